package org.rightcare.hub.testing;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;

/**
 * Gets tokens from a Keycloak realm the way the hub's callers do: provider systems by the client credentials grant
 * (with a client secret, or with a client assertion signed by their own key: {@code private_key_jwt}), and people by
 * signing in on the board's authorization code flow with PKCE.
 */
public final class KeycloakTokens {

    private static final Pattern LOGIN_FORM_ACTION = Pattern.compile("<form[^>]*\\saction=\"([^\"]+)\"");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String realmUrl;

    /** @param realmUrl the realm's issuer, e.g. http://localhost:8180/realms/rightcare */
    public KeycloakTokens(String realmUrl) {
        this.realmUrl = realmUrl;
    }

    /** What a signed-in person's client receives: the access token for APIs and the ID token about the sign-in. */
    public record SignedIn(String accessToken, String idToken) {
    }

    public String withClientSecret(String clientId, String secret) {
        return accessToken(given().formParam("grant_type", "client_credentials")
                .formParam("client_id", clientId).formParam("client_secret", secret));
    }

    /**
     * Client credentials with a client assertion (RFC 7523) signed by the client's private key; Keycloak checks it
     * against the public key registered for the client, found by the key id.
     *
     * @param privateKey a PKCS#8 PEM file
     */
    public String withSignedAssertion(String clientId, String keyId, Path privateKey) {
        String assertion = Jwt.issuer(clientId).subject(clientId).audience(realmUrl).expiresIn(60)
                .jws().keyId(keyId).algorithm(SignatureAlgorithm.RS256).sign(privateKey.toUri().toString());
        return accessToken(given().formParam("grant_type", "client_credentials")
                .formParam("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                .formParam("client_assertion", assertion));
    }

    /**
     * Signs a person in as a browser would on the client's behalf: the login page, the form post with the session
     * cookies, the redirect with the code, and the client's code exchange with its secret and PKCE verifier.
     */
    public SignedIn signIn(String clientId, String clientSecret, String redirectUri, String username, String password) {
        String verifier = randomUrlSafe(48);
        Response loginPage = given().redirects().follow(false)
                .queryParam("client_id", clientId).queryParam("response_type", "code").queryParam("scope", "openid")
                .queryParam("redirect_uri", redirectUri).queryParam("state", randomUrlSafe(16))
                .queryParam("code_challenge", s256(verifier)).queryParam("code_challenge_method", "S256")
                .get(realmUrl + "/protocol/openid-connect/auth");
        loginPage.then().statusCode(200);
        Matcher action = LOGIN_FORM_ACTION.matcher(loginPage.asString());
        if (!action.find()) {
            throw new AssertionError("Keycloak's login page has no form: " + loginPage.asString());
        }
        Response signedIn = given().redirects().follow(false).cookies(loginPage.getCookies())
                .formParam("username", username).formParam("password", password)
                .post(action.group(1).replace("&amp;", "&"));
        signedIn.then().statusCode(302);
        String location = signedIn.header("Location");
        Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location);
        if (!location.startsWith(redirectUri) || !code.find()) {
            throw new AssertionError("Sign-in of " + username + " did not come back with a code: " + location);
        }
        Response tokens = given().formParam("grant_type", "authorization_code").formParam("code", code.group(1))
                .formParam("redirect_uri", redirectUri).formParam("code_verifier", verifier)
                .formParam("client_id", clientId).formParam("client_secret", clientSecret)
                .post(tokenEndpoint());
        tokens.then().statusCode(200);
        return new SignedIn(tokens.path("access_token"), tokens.path("id_token"));
    }

    /** The token's claims, decoded without checking anything: for asserting what the realm puts in them. */
    public static Map<String, Object> claims(String token) {
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        return JsonPath.from(payload).getMap("$");
    }

    private String accessToken(RequestSpecification request) {
        Response response = request.post(tokenEndpoint());
        if (response.statusCode() != 200) {
            throw new AssertionError("Keycloak refused the token request: " + response.statusCode() + " "
                    + response.asString());
        }
        return response.path("access_token");
    }

    private String tokenEndpoint() {
        return realmUrl + "/protocol/openid-connect/token";
    }

    private static String randomUrlSafe(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}

package org.rightcare.hub.fhirapi;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.Tokens;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * Reads of patient data need a bearer token that the hub's identity provider issued for the hub: anything else is
 * a 401 OperationOutcome with a Bearer challenge that says nothing about the resource asked for.
 */
@QuarkusTest
class FhirBearerTokenTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    private static String referralId;

    /** Once per class; in @BeforeEach because rest-assured learns the hub's random port only per test. */
    @BeforeEach
    void postAnIncident() {
        if (referralId != null) {
            return;
        }
        referralId = CadWebhook.post(CadWebhook.event("incident-created.json")).then().statusCode(202).extract()
                .path("referralId");
    }

    private static String issuer() {
        return ConfigProvider.getConfig().getValue("quarkus.oidc.token.issuer", String.class);
    }

    private static String audience() {
        return ConfigProvider.getConfig().getValue("quarkus.oidc.token.audience", String.class);
    }

    /** A token the hub would accept, before a test spoils one of its claims. */
    private static JwtClaimsBuilder claims() {
        return Jwt.issuer(issuer()).audience(audience()).subject("hub-clinician-7")
                .claim("roles", List.of("hub-clinician")).expiresIn(600);
    }

    private static Response read(RequestSpecification request) {
        return request.get("/fhir/ServiceRequest/" + referralId);
    }

    @Test
    void readsWithAValidToken() {
        read(given().auth().oauth2(Tokens.hubClinician())).then().statusCode(200);
        // The refused tokens below differ from this one in one claim or the key only.
        read(given().auth().oauth2(claims().sign())).then().statusCode(200);
    }

    @Test
    void refusesEveryTokenTheHubDidNotIssueForItself() throws NoSuchAlgorithmException {
        long now = Instant.now().getEpochSecond();
        PrivateKey anotherKey = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate();
        Map<String, RequestSpecification> cases = new LinkedHashMap<>();
        cases.put("no token", given());
        cases.put("garbage token", given().auth().oauth2("not-a-jwt"));
        cases.put("another scheme", given().header("Authorization", "Basic dXNlcjpwYXNz"));
        cases.put("expired token", given().auth().oauth2(
                claims().issuedAt(now - 7200).expiresAt(now - 3600).sign()));
        cases.put("wrong issuer", given().auth().oauth2(
                claims().issuer("https://someone-else.example/issuer").sign()));
        cases.put("wrong audience", given().auth().oauth2(claims().audience("another-api").sign()));
        cases.put("no audience", given().auth().oauth2(
                Jwt.issuer(issuer()).subject("hub-clinician-7").expiresIn(600).sign()));
        cases.put("signed by another key", given().auth().oauth2(claims().sign(anotherKey)));
        cases.put("unsigned (alg none)", given().auth().oauth2(unsigned(now)));

        cases.forEach((name, request) -> {
            Response response = read(request);
            response.then().statusCode(401)
                    .header("WWW-Authenticate", startsWith("Bearer"))
                    .contentType(startsWith("application/fhir+json"));
            assertNull(response.header("ETag"), name);
            String body = response.asString();
            OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, body);
            assertEquals(OperationOutcome.IssueType.LOGIN, outcome.getIssueFirstRep().getCode(), name);
            for (String secret : List.of(referralId, "Marsh", "9434765919", "ServiceRequest")) {
                assertFalse(body.contains(secret), name + " leaks " + secret + ": " + body);
            }
        });
    }

    @Test
    void answersAnUnauthenticatedReadOfAnUnknownIdExactlyAsAKnownOne() {
        Response known = read(given());
        Response unknown = given().get("/fhir/ServiceRequest/00000000-0000-4000-8000-000000000000");

        known.then().statusCode(401);
        unknown.then().statusCode(401);
        assertEquals(known.asString(), unknown.asString());
    }

    @Test
    void servesTheCapabilityStatementWithoutAToken() {
        given().get("/fhir/metadata").then().statusCode(200)
                .contentType(startsWith("application/fhir+json"))
                .body("resourceType", equalTo("CapabilityStatement"));
    }

    /** The classic forgery: a token that says it needs no signature. */
    private static String unsigned(long now) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String header = "{\"alg\":\"none\",\"typ\":\"JWT\"}";
        String payload = "{\"iss\":\"" + issuer() + "\",\"aud\":\"" + audience()
                + "\",\"sub\":\"provider-system-RXY\",\"roles\":[\"provider\"],\"exp\":" + (now + 600) + "}";
        return base64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".";
    }
}

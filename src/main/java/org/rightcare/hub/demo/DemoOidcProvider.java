package org.rightcare.hub.demo;

import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.security.Roles;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.jwt.build.Jwt;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A tiny OpenID Connect provider for the demo and the tests, under {@code /demo/oidc}, so the board signs people in by
 * the real authorisation code flow where no identity provider runs: the authorisation endpoint shows a page to choose
 * a demo user (the hub's clinician and administrator, and a team member of each organisation in the directory), the
 * token endpoint trades a one-time code for tokens signed with the demo token key ({@link DemoTokenKeys}), and the
 * JWKS endpoint publishes that key. Like {@code /demo/token}, it answers 404 outside the demo and test profiles and
 * whenever the deployment names a real provider.
 */
@Path("/demo/oidc")
public class DemoOidcProvider {

    /** The board's client id, as in config/keycloak's realm. */
    public static final String BOARD_CLIENT_ID = "rightcare-board";

    /** How long a signed-in person's tokens last: the board's session ends with them. */
    static final Duration SESSION = Duration.ofMinutes(30);

    private static final Duration CODE_LIFETIME = Duration.ofMinutes(1);

    /** A person the demo can sign in as. */
    public record DemoUser(String id, String name, String organisation, String role) {
    }

    private record Grant(DemoUser user, String redirectUri, String nonce, Instant expiresAt) {
    }

    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final ServiceDirectory directory;
    private final DemoBoardClient client;
    private final Clock clock;
    private final boolean enabled;
    private final String issuer;
    private final String accessAudience;

    public DemoOidcProvider(ServiceDirectory directory, DemoBoardClient client, Clock clock) {
        this.directory = directory;
        this.client = client;
        this.clock = clock;
        this.enabled = enabled();
        this.issuer = ConfigProvider.getConfig().getOptionalValue("quarkus.oidc.token.issuer", String.class).orElse("");
        this.accessAudience = ConfigProvider.getConfig().getOptionalValue("quarkus.oidc.token.audience", String.class)
                .orElse("");
    }

    /** Whether this process signs its own tokens: demo and test profiles with no real provider configured. */
    public static boolean enabled() {
        List<String> profiles = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getProfiles();
        return (profiles.contains("demo") || profiles.contains("test"))
                && ConfigProvider.getConfig().getOptionalValue("quarkus.oidc.auth-server-url", String.class).isEmpty();
    }

    /** The people to choose from: one per hub role, and a community team member of each directory organisation. */
    public List<DemoUser> users() {
        List<DemoUser> users = new ArrayList<>();
        users.add(new DemoUser("hub-clinician", "Hub clinician", null, Roles.HUB_CLINICIAN));
        users.add(new DemoUser("hub-admin", "Hub administrator", null, Roles.HUB_ADMIN));
        directory.services().stream().filter(CommunityService::active)
                .map(s -> new DemoUser("team-" + s.odsCode(), "Team member, " + s.organisationName(), s.odsCode(),
                        Roles.PROVIDER))
                .distinct().sorted((a, b) -> a.id().compareTo(b.id())).forEach(users::add);
        return users;
    }

    @GET
    @Path("/authorize")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Demo only: the authorisation endpoint, a page to choose a demo user")
    public String authorize(@QueryParam("client_id") String clientId, @QueryParam("redirect_uri") String redirectUri,
            @QueryParam("state") String state, @QueryParam("nonce") String nonce, @Context UriInfo uri) {
        requireEnabled();
        requireBoardRedirect(clientId, redirectUri, uri);
        StringBuilder items = new StringBuilder();
        for (DemoUser user : users()) {
            String href = "/demo/oidc/sign-in?user=" + enc(user.id()) + "&redirect_uri=" + enc(redirectUri)
                    + "&state=" + enc(state) + (nonce == null ? "" : "&nonce=" + enc(nonce));
            items.append("<li><a href=\"").append(html(href)).append("\">").append(html(user.name()))
                    .append("</a> <small>(").append(html(user.role()))
                    .append(user.organisation() == null ? "" : ", " + html(user.organisation())).append(")</small></li>\n");
        }
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Sign in to rightcare-hub (demo)</title>
                <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#0b0c0c}
                a{color:#005eb8;font-size:1.1rem}li{margin:.6rem 0}</style></head>
                <body><main><h1>Choose a demo user</h1>
                <p>The demo has no identity provider: pick who to sign in as. Real deployments sign in through theirs.</p>
                <ul>
                %s</ul></main></body></html>
                """.formatted(items);
    }

    @GET
    @Path("/sign-in")
    @Operation(summary = "Demo only: sign in as the chosen demo user and return to the board with a one-time code")
    public Response signIn(@QueryParam("user") String userId, @QueryParam("redirect_uri") String redirectUri,
            @QueryParam("state") String state, @QueryParam("nonce") String nonce, @Context UriInfo uri) {
        requireEnabled();
        requireBoardRedirect(BOARD_CLIENT_ID, redirectUri, uri);
        DemoUser user = users().stream().filter(u -> u.id().equals(userId)).findFirst()
                .orElseThrow(() -> new DemoTokenResource.BadFormException("No such demo user"));
        String code = UUID.randomUUID().toString();
        codes.put(code, new Grant(user, redirectUri, nonce, clock.instant().plus(CODE_LIFETIME)));
        String separator = redirectUri.contains("?") ? "&" : "?";
        return Response.seeOther(URI.create(redirectUri + separator + "code=" + enc(code) + "&state=" + enc(state)))
                .build();
    }

    @POST
    @Path("/token")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Demo only: the token endpoint (authorization_code grant, client_secret_basic)")
    public Response token(@FormParam("grant_type") String grantType, @FormParam("code") String code,
            @FormParam("redirect_uri") String redirectUri, @HeaderParam("Authorization") String authorization) {
        requireEnabled();
        if (!client.matchesBasic(authorization)) {
            return oauthError(401, "invalid_client");
        }
        Grant grant = code == null ? null : codes.remove(code);
        if (!"authorization_code".equals(grantType) || grant == null || grant.expiresAt().isBefore(clock.instant())
                || !grant.redirectUri().equals(redirectUri)) {
            return oauthError(400, "invalid_grant");
        }
        DemoUser user = grant.user();
        var idToken = Jwt.issuer(issuer).audience(BOARD_CLIENT_ID).subject(user.id()).claim("name", user.name())
                .claim("roles", List.of(user.role())).expiresIn(SESSION);
        var accessToken = Jwt.issuer(issuer).audience(accessAudience).subject(user.id())
                .claim("roles", List.of(user.role())).expiresIn(SESSION);
        if (user.organisation() != null) {
            idToken.claim("org", user.organisation());
            accessToken.claim("org", user.organisation());
        }
        if (grant.nonce() != null) {
            idToken.claim("nonce", grant.nonce());
        }
        return Response.ok(new JsonObject().put("access_token", accessToken.sign()).put("id_token", idToken.sign())
                .put("token_type", "Bearer").put("expires_in", SESSION.toSeconds()).encode()).build();
    }

    @GET
    @Path("/jwks")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Demo only: the key that signs demo tokens, as a JSON Web Key Set")
    public String jwks() throws Exception {
        requireEnabled();
        String publicKey = ConfigProvider.getConfig().getValue("quarkus.oidc.public-key", String.class);
        RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKey)));
        return new JsonObject().put("keys", new JsonArray().add(new JsonObject().put("kty", "RSA").put("use", "sig")
                .put("alg", "RS256").put("n", base64Url(key.getModulus())).put("e", base64Url(key.getPublicExponent()))))
                .encode();
    }

    private void requireEnabled() {
        if (!enabled) {
            throw new NotFoundException();
        }
    }

    /** Codes go only back to this hub's own board: an open redirect would hand them to anyone. */
    private static void requireBoardRedirect(String clientId, String redirectUri, UriInfo uri) {
        String board = uri.getBaseUri().resolve("/board").toString();
        if (!BOARD_CLIENT_ID.equals(clientId) || redirectUri == null
                || !(redirectUri.equals(board) || redirectUri.startsWith(board + "/")
                        || redirectUri.startsWith(board + "?"))) {
            throw new DemoTokenResource.BadFormException("Only the hub's own board may sign in here");
        }
    }

    private static Response oauthError(int status, String error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(new JsonObject().put("error", error).encode()).build();
    }

    private static String base64Url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String enc(String value) {
        return java.net.URLEncoder.encode(Optional.ofNullable(value).orElse(""), StandardCharsets.UTF_8);
    }

    static String html(String value) {
        return value == null ? ""
                : value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                        .replace("\"", "&quot;");
    }
}

package org.rightcare.hub.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.testing.KeycloakProfile;
import org.rightcare.hub.testing.KeycloakTokens;
import org.rightcare.hub.testing.Referrals;
import org.rightcare.hub.testing.Slow;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;
import org.rightcare.hub.testing.Tokens;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The hub behind a real identity provider: Keycloak, started from the distribution the build fetches, with the
 * realm file the README offers deployments as their example (config/keycloak/rightcare-realm.json). Provider
 * systems get tokens by the client credentials grant, with a client secret or a signed client assertion, and a
 * person signs in on the board's client; the hub verifies those tokens through the realm's discovery document and
 * keys, and reads the organisation and roles from the claims the realm maps. Each test offers its own case to an
 * XWC service (Wealdshire Community Health NHS Trust) in a district of its own.
 */
@Slow
@QuarkusTest
@TestProfile(KeycloakProfile.class)
class KeycloakProviderAccessTest {

    // Clients, users and demo credentials of the realm file.
    private static final String XWC_SECRET_CLIENT = "xwc-community-system";
    private static final String XWC_SECRET = "xwc-community-system-demo-secret";
    private static final String XWC_JWT_CLIENT = "xwc-virtual-ward-system";
    private static final String XWC_JWT_KEY_ID = "xwc-virtual-ward-system-demo";
    private static final Path XWC_JWT_PRIVATE_KEY = Path.of("config", "keycloak", "xwc-virtual-ward-system-demo-key.pem");
    private static final String XWH_CLIENT = "xwh-hospital-system";
    private static final String XWH_SECRET = "xwh-hospital-system-demo-secret";
    private static final String AUDITOR_CLIENT = "rightcare-auditor";
    private static final String AUDITOR_SECRET = "rightcare-auditor-demo-secret";
    private static final String BOARD_CLIENT = "rightcare-board";
    private static final String BOARD_SECRET = "rightcare-board-demo-secret";
    private static final String BOARD_REDIRECT = "http://localhost:8080/board/";

    private static final Set<String> PROVIDER_SCOPES = Set.of("system/ServiceRequest.read", "system/Patient.read",
            "system/Encounter.read", "system/Location.read", "system/Observation.read", "system/Flag.read",
            "system/Task.read", "system/Task.write", "system/HealthcareService.read", "system/HealthcareService.write",
            "system/MessageHeader.write", "system/Subscription.read", "system/Subscription.write");

    private static KeycloakTokens keycloak() {
        return new KeycloakTokens(ConfigProvider.getConfig().getValue("quarkus.oidc.auth-server-url", String.class));
    }

    @Test
    void realmIssuesTokensWithTheClaimsTheHubReads() {
        KeycloakTokens keycloak = keycloak();
        Map<String, Map<String, Object>> systems = new LinkedHashMap<>();
        systems.put("XWC with a secret", KeycloakTokens.claims(keycloak.withClientSecret(XWC_SECRET_CLIENT, XWC_SECRET)));
        systems.put("XWC with a signed assertion", KeycloakTokens.claims(
                keycloak.withSignedAssertion(XWC_JWT_CLIENT, XWC_JWT_KEY_ID, XWC_JWT_PRIVATE_KEY)));
        systems.put("XWH", KeycloakTokens.claims(keycloak.withClientSecret(XWH_CLIENT, XWH_SECRET)));
        systems.forEach((system, claims) -> {
            assertEquals("rightcare-hub", claims.get("aud"), system);
            assertEquals(List.of("provider"), claims.get("roles"), system);
            assertEquals(PROVIDER_SCOPES, scopes(claims), system);
        });
        assertEquals("XWC", systems.get("XWC with a secret").get("org"));
        assertEquals("XWC", systems.get("XWC with a signed assertion").get("org"));
        assertEquals("XWH", systems.get("XWH").get("org"));
        assertEquals("service-account-" + XWH_CLIENT, systems.get("XWH").get("preferred_username"), "who, in the audit trail");

        Map<String, Object> auditor = KeycloakTokens.claims(keycloak.withClientSecret(AUDITOR_CLIENT, AUDITOR_SECRET));
        assertEquals(List.of("auditor"), auditor.get("roles"));
        assertEquals(Set.of("system/AuditEvent.read"), scopes(auditor));
        assertNull(auditor.get("org"), "the auditor speaks for no organisation");

        Map<String, Map<String, Object>> people = new LinkedHashMap<>();
        people.put("hub-clinician", KeycloakTokens.claims(signIn("hub.clinician", "demo-hub-clinician").accessToken()));
        people.put("hub-admin", KeycloakTokens.claims(signIn("hub.admin", "demo-hub-admin").accessToken()));
        people.put("provider", KeycloakTokens.claims(signIn("xwc.nurse", "demo-xwc-nurse").accessToken()));
        people.forEach((role, claims) -> {
            assertEquals("rightcare-hub", claims.get("aud"), role);
            assertEquals(List.of(role), claims.get("roles"), role);
        });
        assertEquals("XWC", people.get("provider").get("org"), "the community team's group carries its ODS code");
        assertNull(people.get("hub-admin").get("org"));
        assertEquals("xwc.nurse", people.get("provider").get("preferred_username"));
    }

    @Test
    void providerSystemWithAClientSecretReadsAndAcceptsItsOffer() {
        UUID task = offerToXwc();
        readsAndAccepts(keycloak().withClientSecret(XWC_SECRET_CLIENT, XWC_SECRET), task);
    }

    @Test
    void providerSystemWithASignedClientAssertionReadsAndAcceptsItsOffer() {
        UUID task = offerToXwc();
        readsAndAccepts(keycloak().withSignedAssertion(XWC_JWT_CLIENT, XWC_JWT_KEY_ID, XWC_JWT_PRIVATE_KEY), task);
    }

    @Test
    void providerSystemsScopesReachSubscriptionsAndBarsMessages() {
        String xwc = keycloak().withClientSecret(XWC_SECRET_CLIENT, XWC_SECRET);

        given().auth().oauth2(xwc).get("/fhir/Subscription?status=active").then().statusCode(200)
                .body("resourceType", equalTo("Bundle"));
        // Past the scope check, an empty body is the BaRS receiver's own refusal, not the hub's 403.
        given().auth().oauth2(xwc).contentType("application/fhir+json").body("{}")
                .header("X-Request-Id", UUID.randomUUID().toString())
                .header("X-Correlation-Id", UUID.randomUUID().toString())
                .post("/fhir/$process-message").then().statusCode(400)
                .body("issue[0].details.coding[0].code", equalTo("REC_BAD_REQUEST"));
    }

    @Test
    void anotherOrganisationsSystemFindsNoSuchTaskAndChangesNothing() {
        UUID task = offerToXwc();
        String xwh = keycloak().withClientSecret(XWH_CLIENT, XWH_SECRET);

        given().auth().oauth2(xwh).get("/fhir/Task/" + task).then().statusCode(404);
        answer(given().auth().oauth2(xwh), task, "accepted").then().statusCode(404);

        assertEquals("requested", offerStatus(task), "XWH's answer changed XWC's offer");
    }

    @Test
    void peopleSignedInOnTheBoardReadTheOfferAsTheirRoleAndOrganisationAllow() {
        UUID task = offerToXwc();
        String nurse = signIn("xwc.nurse", "demo-xwc-nurse").accessToken();
        String clinician = signIn("hub.clinician", "demo-hub-clinician").accessToken();

        given().auth().oauth2(nurse).get("/fhir/Task/" + task).then().statusCode(200)
                .body("owner.identifier.value", equalTo("XWC"));
        // The coordination hub's clinicians watch every case, whichever organisation holds it.
        given().auth().oauth2(clinician).get("/fhir/Task/" + task).then().statusCode(200);
    }

    @Test
    void refusesNoTokenATamperedOrForeignTokenAndAnIdTokenMeantForTheBoard() {
        UUID task = offerToXwc();
        String xwh = keycloak().withClientSecret(XWH_CLIENT, XWH_SECRET);
        // XWH's own valid token, its org claim rewritten to XWC; the signature is Keycloak's, over the original claims.
        String[] parts = xwh.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.replace("\"org\":\"XWH\"", "\"org\":\"XWC\"").getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        if (tampered.equals(xwh)) {
            throw new AssertionError("the token has no org claim to tamper with: " + payload);
        }
        // A real token from the same realm for the same person, but its audience is the board, not the hub.
        String idToken = signIn("xwc.nurse", "demo-xwc-nurse").idToken();

        Map<String, RequestSpecification> refused = new LinkedHashMap<>();
        refused.put("no token", given());
        refused.put("tampered token", given().auth().oauth2(tampered));
        refused.put("ID token (audience rightcare-board)", given().auth().oauth2(idToken));
        // Keycloak's issuer, the hub's audience, XWC: everything right but the key, which is the suite's test key pair.
        refused.put("token signed by another key", given().auth().oauth2(Tokens.provider("XWC")));
        refused.forEach((name, request) -> {
            Response response = request.get("/fhir/Task/" + task);
            assertEquals(401, response.statusCode(), name);
            response.then().header("WWW-Authenticate", startsWith("Bearer"));
        });
        given().auth().oauth2(xwh).get("/fhir/Task/" + task).then().statusCode(404);
    }

    /** Reads the Task, then accepts it with the version it read, as a provider system does. */
    private static void readsAndAccepts(String token, UUID task) {
        Response read = given().auth().oauth2(token).get("/fhir/Task/" + task);
        read.then().statusCode(200)
                .body("status", equalTo("requested"))
                .body("owner.identifier.value", equalTo("XWC"));
        // The case behind it, with the patient, as the realm's scopes allow: its Task search includes them.
        String referral = read.path("focus.reference").toString().replace("ServiceRequest/", "");
        given().auth().oauth2(token).get("/fhir/Task?focus=ServiceRequest/" + referral
                + "&_include=Task:focus&_include=Task:patient").then().statusCode(200)
                .body("entry.resource.resourceType", org.hamcrest.Matchers.hasItems("Task", "ServiceRequest", "Patient"));

        answer(given().auth().oauth2(token).header("If-Match", read.header("ETag")), task, "accepted")
                .then().statusCode(200).body("status", equalTo("accepted"));
        assertEquals("accepted", offerStatus(task));
    }

    private static Response answer(RequestSpecification request, UUID task, String status) {
        return request.contentType("application/fhir+json")
                .body("{\"resourceType\":\"Task\",\"id\":\"" + task + "\",\"status\":\"" + status + "\",\"intent\":\"order\"}")
                .put("/fhir/Task/" + task);
    }

    /** A C3 fall in a district of its own, offered by the router to the XWC service there: the offer's Task id. */
    private static UUID offerToXwc() {
        String district = TestServices.freshDistrict();
        TestServices.install(TestServices.service("xwc-ucr-" + district.toLowerCase(), ServiceType.UCR, "XWC", district,
                Duration.ofMinutes(15)));
        UUID referral = Referrals.post(Referrals.fallIn(district, "C3"));
        return Referrals.awaitOffer(referral, 1);
    }

    private static KeycloakTokens.SignedIn signIn(String username, String password) {
        return keycloak().signIn(BOARD_CLIENT, BOARD_SECRET, BOARD_REDIRECT, username, password);
    }

    private static String offerStatus(UUID task) {
        return TestDatabase.text("SELECT status FROM offer WHERE id = ?", task);
    }

    private static Set<String> scopes(Map<String, Object> claims) {
        return Set.of(((String) claims.get("scope")).split(" "));
    }
}

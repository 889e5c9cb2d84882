package org.rightcare.hub.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.testing.Referrals;
import org.rightcare.hub.testing.Slow;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Each role against each endpoint, for its own organisation's cases and another's, with tokens verified through a
 * (mocked) OIDC provider's discovery and JWKS. The case: a fall in a district of its own, offered by the router to
 * organisation A's falls service; organisation B runs an urgent community response team there, so the case is on
 * B's clinical stack; organisation C works elsewhere. Refusals change nothing, and are audited.
 */
@Slow
@QuarkusTest
@TestProfile(MockOidcProvider.class)
class AuthorisationMatrixTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    private String orgA;
    private String orgB;
    private String orgC;
    private String serviceA;
    private UUID referral;
    private UUID task;
    private Map<String, String> tokens;

    @BeforeEach
    void aCaseOfferedToAAndOnTheStackOfB() {
        String district = TestServices.freshDistrict();
        String elsewhere = TestServices.freshDistrict();
        orgA = "MA" + district;
        orgB = "MB" + district;
        orgC = "MC" + elsewhere;
        serviceA = "matrix-falls-" + district.toLowerCase();
        TestServices.install(
                TestServices.service(serviceA, ServiceType.FALLS_RESPONSE, orgA, district, Duration.ofMinutes(30)),
                TestServices.service("matrix-ucr-" + district.toLowerCase(), ServiceType.UCR, orgB, district,
                        Duration.ofMinutes(30)),
                TestServices.service("matrix-ucr-" + elsewhere.toLowerCase(), ServiceType.UCR, orgC, elsewhere,
                        Duration.ofMinutes(30)));
        referral = Referrals.post(Referrals.fallIn(district, "C3"));
        task = Referrals.awaitOffer(referral, 1);

        tokens = new LinkedHashMap<>();
        tokens.put("provider A", MockOidcProvider.token("system-" + orgA, orgA, List.of("provider"), null));
        tokens.put("provider B", MockOidcProvider.token("system-" + orgB, orgB, List.of("provider"), null));
        tokens.put("provider C", MockOidcProvider.token("system-" + orgC, orgC, List.of("provider"), null));
        // Provider A's system given only read scopes: the scopes narrow what its role allows.
        tokens.put("provider A read-only", MockOidcProvider.token("reader-" + orgA, orgA, List.of("provider"),
                "openid system/ServiceRequest.read system/Task.read"));
        tokens.put("cad", MockOidcProvider.token("cad-system", "RYY", List.of("cad"), null));
        tokens.put("hub-clinician", MockOidcProvider.token("clinician", null, List.of("hub-clinician"), null));
        tokens.put("hub-admin", MockOidcProvider.token("admin", null, List.of("hub-admin"), null));
        tokens.put("auditor", MockOidcProvider.token("auditor", null, List.of("auditor"), null));
        tokens.put("no role", MockOidcProvider.token("nobody", orgA, List.of(), null));
    }

    @Test
    void readsAndSearchesSeeOnlyWhatEachCallerMay() {
        String sr = "/fhir/ServiceRequest/" + referral;
        String patient = "/fhir/Patient/" + referral;
        String t = "/fhir/Task/" + task;
        expect("GET " + sr, Map.of("provider A", 200, "provider B", 200, "provider C", 404,
                "provider A read-only", 200, "cad", 403, "hub-clinician", 200, "hub-admin", 200, "auditor", 403,
                "no role", 403));
        expect("GET " + patient, Map.of("provider A", 200, "provider B", 200, "provider C", 404,
                "provider A read-only", 403, "cad", 403, "hub-clinician", 200, "hub-admin", 200, "auditor", 403,
                "no role", 403));
        expect("GET " + t, Map.of("provider A", 200, "provider B", 404, "provider C", 404,
                "provider A read-only", 200, "cad", 403, "hub-clinician", 200, "hub-admin", 200, "auditor", 403,
                "no role", 403));
        expect("GET /fhir/ServiceRequest?_count=100", Map.of("provider A", 200, "provider B", 200,
                "provider C", 200, "cad", 403, "hub-clinician", 200, "auditor", 403, "no role", 403));
        expect("GET /fhir/Task?_count=100", Map.of("provider A", 200, "provider B", 200, "provider C", 200,
                "cad", 403, "hub-clinician", 200, "auditor", 403));
        expect("GET /fhir/AuditEvent?_count=1", Map.of("provider A", 403, "cad", 403, "hub-clinician", 403,
                "hub-admin", 403, "auditor", 200));
        expect("GET /fhir/HealthcareService/" + serviceA, Map.of("provider A", 200, "provider C", 200, "cad", 200,
                "hub-admin", 200, "auditor", 403, "no role", 403));

        // What each provider's searches hold: A its offer and the case; B the case (its stack) but no Task; C none.
        assertTrue(matches("provider A", "/fhir/ServiceRequest?_count=100").contains(referral.toString()));
        assertTrue(matches("provider B", "/fhir/ServiceRequest?_count=100").contains(referral.toString()));
        assertTrue(!matches("provider C", "/fhir/ServiceRequest?_count=100").contains(referral.toString()));
        assertTrue(matches("provider A", "/fhir/Task?_count=100").contains(task.toString()));
        assertTrue(!matches("provider B", "/fhir/Task?_count=100").contains(task.toString()));
        // B sees the case in its stack view: no NHS number, no name.
        String stackView = call("provider B", "GET " + patient).asString();
        assertTrue(!stackView.contains("9434765919") && !stackView.contains("\"name\""), stackView);
        assertTrue(call("provider A", "GET " + patient).asString().contains("9434765919"));
    }

    @Test
    void onlyTheOfferedProviderAnswersAndRefusalsChangeNothing() {
        String put = "PUT /fhir/Task/" + task;
        expect(put, Map.of("provider B", 404, "provider C", 404, "provider A read-only", 403, "cad", 403,
                "hub-clinician", 403, "hub-admin", 403, "auditor", 403, "no role", 403));
        assertEquals("requested", offerStatus(), "no refused answer changed the offer");
        assertEquals(200, call("provider A", put).statusCode());
        assertEquals("received", offerStatus());

        // Refused calls are in the audit trail, for the auditor.
        Bundle trail = FHIR.newJsonParser().parseResource(Bundle.class, call("auditor",
                "GET /fhir/AuditEvent?entity=Task/" + task + "&outcome=4&_count=100").asString());
        List<String> refusedBy = trail.getEntry().stream()
                .map(e -> ((org.hl7.fhir.r4.model.AuditEvent) e.getResource()).getAgentFirstRep().getAltId())
                .toList();
        assertTrue(refusedBy.containsAll(List.of("system-" + orgB, "cad-system", "clinician", "auditor")),
                "refusals audited: " + refusedBy);
    }

    @Test
    void claimingAndCapacityFollowTheSameRules() {
        String claim = "POST /fhir/Task";
        expect(claim, Map.of("provider C", 404, "provider A read-only", 403, "cad", 403, "hub-clinician", 403,
                "hub-admin", 403, "auditor", 403, "no role", 403));
        assertEquals("offered", referralStatus(), "no refused claim changed the referral");
        assertEquals(201, call("provider B", claim).statusCode(), "B claims the case from its stack");
        assertEquals("accepted", referralStatus());
        assertEquals(409, call("provider A", claim).statusCode(), "the case has gone");

        String capacity = "POST /fhir/HealthcareService/" + serviceA + "/$set-capacity";
        expect(capacity, Map.of("provider B", 404, "provider A read-only", 403, "cad", 403, "hub-clinician", 403,
                "auditor", 403, "no role", 403));
        assertEquals(List.of(), TestDatabase.strings("SELECT rag FROM service_capacity WHERE service_id = ?",
                serviceA), "no refused capacity change was stored");
        assertEquals(200, call("provider A", capacity).statusCode());
        assertEquals(200, call("hub-admin", capacity).statusCode());
    }

    @Test
    void tokensTheHubDoesNotTrustAre401Everywhere() throws NoSuchAlgorithmException {
        List<String> endpoints = List.of("GET /fhir/ServiceRequest/" + referral, "GET /fhir/Task/" + task,
                "GET /fhir/ServiceRequest", "PUT /fhir/Task/" + task, "POST /fhir/Task",
                "POST /fhir/HealthcareService/" + serviceA + "/$set-capacity", "GET /fhir/AuditEvent");
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("expired", MockOidcProvider.expired("system-" + orgA, orgA, List.of("provider")));
        bad.put("wrong issuer", MockOidcProvider.sign(MockOidcProvider.claims("system-" + orgA, orgA,
                List.of("provider"), null).issuer("https://another-idp.example/realms/x")));
        bad.put("wrong audience", MockOidcProvider.sign(MockOidcProvider.claims("system-" + orgA, orgA,
                List.of("provider"), null).audience("another-api")));
        bad.put("signed by another key", MockOidcProvider.claims("system-" + orgA, orgA, List.of("provider"), null)
                .jws().keyId("1").sign(KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate()));
        for (String endpoint : endpoints) {
            assertEquals(401, send(given(), endpoint).statusCode(), "no token: " + endpoint);
            bad.forEach((name, token) -> assertEquals(401, send(given().auth().oauth2(token), endpoint).statusCode(),
                    name + ": " + endpoint));
        }
        assertEquals("requested", offerStatus());
    }

    private void expect(String endpoint, Map<String, Integer> statusByCaller) {
        List<String> wrong = new ArrayList<>();
        statusByCaller.forEach((caller, status) -> {
            Response response = call(caller, endpoint);
            if (response.statusCode() != status) {
                wrong.add(caller + " got " + response.statusCode() + " not " + status + ": " + response.asString());
            } else if (status >= 400) {
                // Every refusal is a FHIR OperationOutcome that names no patient.
                FHIR.newJsonParser().parseResource(OperationOutcome.class, response.asString());
                assertTrue(!response.asString().contains("9434765919"), response.asString());
            }
        });
        assertEquals(List.of(), wrong, endpoint);
    }

    private Response call(String caller, String endpoint) {
        return send(given().auth().oauth2(tokens.get(caller)), endpoint);
    }

    private Response send(RequestSpecification request, String endpoint) {
        String[] parts = endpoint.split(" ", 2);
        String path = parts[1];
        return switch (parts[0]) {
            case "GET" -> request.urlEncodingEnabled(false).get(path);
            case "PUT" -> request.contentType("application/fhir+json").body("{\"resourceType\":\"Task\",\"id\":\""
                    + task + "\",\"status\":\"received\",\"intent\":\"order\"}").put(path);
            case "POST" -> path.endsWith("$set-capacity")
                    ? request.contentType("application/fhir+json").body("""
                            {"resourceType":"Parameters","parameter":[{"name":"rag","valueCode":"AMBER"},
                             {"name":"places","valueInteger":2}]}""").post(path)
                    : request.contentType("application/fhir+json").body("{\"resourceType\":\"Task\","
                            + "\"status\":\"accepted\",\"intent\":\"order\",\"focus\":{\"reference\":"
                            + "\"ServiceRequest/" + referral + "\"}}").post(path);
            default -> throw new IllegalArgumentException(endpoint);
        };
    }

    private List<String> matches(String caller, String search) {
        Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, call(caller, "GET " + search).asString());
        return bundle.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
    }

    private String offerStatus() {
        return TestDatabase.text("SELECT status FROM offer WHERE id = ?", task);
    }

    private String referralStatus() {
        return TestDatabase.text("SELECT status FROM referral WHERE id = ?", referral);
    }
}

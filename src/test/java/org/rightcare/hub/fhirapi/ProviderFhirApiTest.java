package org.rightcare.hub.fhirapi;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.fhir.HubIdentifiers;
import org.rightcare.hub.testing.Referrals;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;
import org.rightcare.hub.testing.Tokens;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The provider API as provider systems use it, through HAPI's generic client: a falls service (organisation A) is
 * offered each fall in the test's district; an urgent community response team there (organisation B) works its
 * clinical stack, claims cases and answers them; capacity is published through FHIR; every read is audited.
 */
@QuarkusTest
class ProviderFhirApiTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String NHS_NUMBER = "9434765919";

    @TestHTTPResource("/fhir")
    URL fhirBase;

    private String district;
    private String orgA;
    private String orgB;
    private String fallsA;
    private String ucrB;

    @BeforeEach
    void aFallsServiceAndAnUrgentResponseTeam() {
        district = TestServices.freshDistrict();
        orgA = "PA" + district;
        orgB = "PB" + district;
        fallsA = "api-falls-" + district.toLowerCase();
        ucrB = "api-ucr-" + district.toLowerCase();
        TestServices.install(
                TestServices.service(fallsA, ServiceType.FALLS_RESPONSE, orgA, district, Duration.ofMinutes(30)),
                TestServices.service(ucrB, ServiceType.UCR, orgB, district, Duration.ofMinutes(30)));
    }

    @Test
    void aTeamPagesThroughItsStackClaimsACaseAndCaresForThePatient() {
        List<UUID> falls = List.of(fall(), fall(), fall());
        IGenericClient b = client(Tokens.provider(orgB));

        Bundle page = b.search().forResource(ServiceRequest.class)
                .where(new TokenClientParam("status").exactly().code("active"))
                .and(new TokenClientParam("service-type").exactly().code(ServiceType.UCR.code()))
                .include(ServiceRequest.INCLUDE_PATIENT).count(2).returnBundle(Bundle.class).execute();
        List<String> seen = new ArrayList<>(matches(page));
        assertEquals(2, seen.size());
        assertEquals(2, page.getEntry().stream().filter(e -> e.getResource() instanceof Patient).count());
        assertNotNull(page.getLink(Bundle.LINK_NEXT), "a next link while more matches remain");
        // Links name the hub's public URL (hub.public-base-url); the test server listens on a port of its own.
        String publicBase = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("hub.public-base-url", String.class).replaceAll("/$", "") + "/fhir";
        page.getLink(Bundle.LINK_NEXT).setUrl(page.getLink(Bundle.LINK_NEXT).getUrl()
                .replace(publicBase, fhirBase.toString().replaceAll("/$", "")));
        Bundle next = b.loadPage().next(page).execute();
        seen.addAll(matches(next));
        assertEquals(Set.copyOf(falls.stream().map(UUID::toString).toList()), Set.copyOf(seen),
                "the two pages hold the three stack cases, none twice");
        assertEquals(3, new HashSet<>(seen).size());

        // The stack view: the clinical picture, not who or exactly where the patient is.
        for (Bundle.BundleEntryComponent entry : page.getEntry()) {
            assertTrue(entry.getResource().getMeta().getSecurity().stream()
                    .anyMatch(c -> c.getCode().equals("REDACTED")), "marked redacted");
            if (entry.getResource() instanceof Patient patient) {
                assertFalse(patient.hasIdentifier() || patient.hasName() || patient.hasTelecom() || patient.hasAddress());
            }
            if (entry.getResource() instanceof ServiceRequest request) {
                assertFalse(request.hasNote(), "no free text or notes about other services' offers");
                assertEquals("C3", request.getCategory().get(1).getCodingFirstRep().getCode());
            }
        }
        assertFalse(FHIR.newJsonParser().encodeResourceToString(page).contains(NHS_NUMBER));

        // Claim the first: the case is B's, A's open offer is withdrawn and the CAD is told.
        UUID claimed = falls.get(0);
        UUID offerToA = Referrals.awaitOffer(claimed, 1);
        MethodOutcome created = b.create().resource(claim(claimed, null)).execute();
        assertEquals(201, created.getResponseStatusCode());
        Task task = (Task) created.getResource();
        assertEquals(Task.TaskStatus.ACCEPTED, task.getStatus());
        assertEquals("accepted", status(claimed));
        assertEquals("cancelled", TestDatabase.text("SELECT status FROM offer WHERE id = ?", offerToA));
        assertEquals("claimed-by-another-service",
                TestDatabase.text("SELECT status_reason_code FROM offer WHERE id = ?", offerToA));
        assertTrue(TestDatabase.count("SELECT count(*) FROM delivery_outbox WHERE referral_id = ? "
                + "AND payload::jsonb ->> 'eventType' = 'referral.accepted'", claimed) == 1, "the CAD hears referral.accepted");

        // Now B holds the case in full: the patient's identity too, and finds it by NHS number.
        Patient patient = b.read().resource(Patient.class).withId(claimed.toString()).execute();
        assertEquals(NHS_NUMBER, patient.getIdentifierFirstRep().getValue());
        Bundle byNhsNumber = b.search().forResource(Task.class)
                .where(new TokenClientParam("patient.identifier").exactly()
                        .systemAndCode(HubIdentifiers.NHS_NUMBER, NHS_NUMBER))
                .returnBundle(Bundle.class).execute();
        assertTrue(matches(byNhsNumber).contains(task.getIdElement().getIdPart()));

        // Start with a JSON Patch at the version just read; then complete, first with a stale version.
        String taskId = task.getIdElement().getIdPart();
        MethodOutcome started = b.patch().withBody("[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"in-progress\"}]")
                .withId(new IdType("Task", taskId))
                .withAdditionalHeader("If-Match", "W/\"" + task.getMeta().getVersionId() + "\"")
                .execute();
        assertEquals(Task.TaskStatus.INPROGRESS, ((Task) started.getResource()).getStatus());
        Task completion = new Task().setStatus(Task.TaskStatus.COMPLETED).setIntent(Task.TaskIntent.ORDER);
        completion.setId(taskId);
        assertThrows(PreconditionFailedException.class, () -> b.update().resource(completion)
                .withAdditionalHeader("If-Match", "W/\"" + task.getMeta().getVersionId() + "\"").execute());
        b.update().resource(completion).execute();
        assertEquals("completed", status(claimed));
        // Nothing follows completion.
        ResourceVersionConflictException illegal = assertThrows(ResourceVersionConflictException.class,
                () -> b.patch().withBody("[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"in-progress\"}]")
                        .withId(new IdType("Task", taskId)).execute());
        assertInstanceOf(OperationOutcome.class, illegal.getOperationOutcome());
    }

    @Test
    void exactlyOneOfSeveralRacingClaimsWins() throws Exception {
        List<String> teams = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            String org = "PR" + i + district;
            teams.add(org);
            TestServices.install(TestServices.service("race-" + i + "-" + district.toLowerCase(), ServiceType.UCR,
                    org, district, Duration.ofMinutes(30)));
        }
        UUID referral = fall();
        Referrals.awaitOffer(referral, 1);
        ExecutorService pool = Executors.newFixedThreadPool(teams.size());
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (String org : teams) {
                Callable<Integer> claim = () -> given().auth().oauth2(Tokens.provider(org))
                        .contentType("application/fhir+json")
                        .body(FHIR.newJsonParser().encodeResourceToString(claim(referral, null)))
                        .post("/fhir/Task").statusCode();
                answers.add(pool.submit(claim));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), "one winner: " + statuses);
            assertEquals(teams.size() - 1, statuses.stream().filter(s -> s == 409).count(), "the rest told: " + statuses);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM offer WHERE referral_id = ? AND status = 'accepted'",
                referral));
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM delivery_outbox WHERE referral_id = ? "
                + "AND payload::jsonb ->> 'eventType' = 'referral.accepted'", referral));
    }

    @Test
    void aProviderFindsByNhsNumberOnlyTheCasesItHolds() {
        UUID referral = fall();
        Referrals.awaitOffer(referral, 1);
        String nhsNumber = HubIdentifiers.NHS_NUMBER + "|" + NHS_NUMBER;
        assertTrue(ids(given().auth().oauth2(Tokens.provider(orgA)).queryParam("patient.identifier", nhsNumber)
                .queryParam("_count", 100).get("/fhir/ServiceRequest")).contains(referral.toString()),
                "A was offered the case");
        assertFalse(ids(given().auth().oauth2(Tokens.provider(orgB)).queryParam("patient.identifier", nhsNumber)
                .queryParam("_count", 100).get("/fhir/ServiceRequest")).contains(referral.toString()),
                "B has it on its stack only: an NHS number must not find it");
        assertTrue(ids(given().auth().oauth2(Tokens.provider(orgB)).get("/fhir/ServiceRequest?_count=100"))
                .contains(referral.toString()), "though B sees it on its stack");
    }

    @Test
    void aProviderTokenWithoutAnOrganisationSeesNothing() {
        UUID referral = fall();
        UUID offer = Referrals.awaitOffer(referral, 1);
        String orphan = Tokens.issue("provider-without-org", null, List.of("provider"));
        assertEquals(List.of(), ids(given().auth().oauth2(orphan).get("/fhir/Task?_count=100")));
        assertEquals(List.of(), ids(given().auth().oauth2(orphan).get("/fhir/ServiceRequest?_count=100")));
        given().auth().oauth2(orphan).get("/fhir/Task/" + offer).then().statusCode(404);
        given().auth().oauth2(orphan).get("/fhir/ServiceRequest/" + referral).then().statusCode(404);
    }

    @Test
    void badSearchesAreRefusedWithAnOperationOutcomeUnlessLenient() {
        Map<String, String> bad = Map.of(
                "/fhir/ServiceRequest?colour=blue", "UNKNOWN_SEARCH_PARAMETER",
                "/fhir/ServiceRequest?status:not=active", "UNKNOWN_SEARCH_PARAMETER",
                "/fhir/ServiceRequest?_count=0", "INVALID_COUNT",
                "/fhir/ServiceRequest?_count=101", "INVALID_COUNT",
                "/fhir/Task?_sort=priority", "UNSUPPORTED_SORT",
                "/fhir/ServiceRequest?_include=ServiceRequest:performer", "UNSUPPORTED_INCLUDE",
                "/fhir/ServiceRequest?_lastUpdated=yesterday", "INVALID_SEARCH_VALUE",
                "/fhir/ServiceRequest?status=sideways", "INVALID_SEARCH_VALUE",
                "/fhir/Task?_page=not-a-token", "INVALID_PAGE_TOKEN",
                "/fhir/Patient?name=x", "UNSUPPORTED_SEARCH");
        bad.forEach((search, code) -> {
            Response response = given().auth().oauth2(Tokens.provider(orgB)).urlEncodingEnabled(false).get(search);
            assertTrue(response.statusCode() == 400 || response.statusCode() == 404, search);
            OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.asString());
            assertEquals(code, outcome.getIssueFirstRep().getDetails().getCodingFirstRep().getCode(), search);
        });

        Response lenient = given().auth().oauth2(Tokens.provider(orgB)).header("Prefer", "handling=lenient")
                .get("/fhir/ServiceRequest?colour=blue&status=active");
        lenient.then().statusCode(200);
        Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, lenient.asString());
        assertTrue(bundle.getEntry().stream().anyMatch(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.OUTCOME
                && ((OperationOutcome) e.getResource()).getIssueFirstRep().getDiagnostics().contains("colour")));
    }

    @Test
    void capacityPublishedThroughFhirSteersTheNextCase() {
        IGenericClient a = client(Tokens.provider(orgA));
        BaseServerResponseException invalid = assertThrows(BaseServerResponseException.class,
                () -> a.operation().onInstance(new IdType("HealthcareService", fallsA)).named("$set-capacity")
                        .withParameters(new Parameters().addParameter("rag", new CodeType("PURPLE")))
                        .returnResourceType(org.hl7.fhir.r4.model.HealthcareService.class).execute());
        assertEquals(400, invalid.getStatusCode());
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM service_capacity WHERE service_id = ?", fallsA));

        Parameters full = new Parameters();
        full.addParameter().setName("rag").setValue(new CodeType("RED"));
        full.addParameter().setName("places").setValue(new IntegerType(0));
        a.operation().onInstance(new IdType("HealthcareService", fallsA)).named("$set-capacity")
                .withParameters(full).returnResourceType(org.hl7.fhir.r4.model.HealthcareService.class).execute();

        UUID referral = fall();
        UUID offer = Referrals.awaitOffer(referral, 1);
        assertEquals(ucrB, TestDatabase.text("SELECT service_id FROM offer WHERE id = ?", offer),
                "the falls service said it is full, so the case goes to the response team");
    }

    @Test
    void everyReadOfPatientDataIsInTheAuditTrailForAuditorsOnly() {
        UUID referral = fall();
        Referrals.awaitOffer(referral, 1);
        IGenericClient a = client(Tokens.provider(orgA));
        a.read().resource(ServiceRequest.class).withId(referral.toString()).execute();
        a.read().resource(Patient.class).withId(referral.toString()).execute();
        assertThrows(BaseServerResponseException.class, () -> client(Tokens.provider("PZ" + district))
                .read().resource(Patient.class).withId(referral.toString()).execute());
        given().get("/fhir/Patient/" + referral).then().statusCode(401);

        IGenericClient auditor = client(Tokens.auditor());
        Bundle trail = auditor.search().forResource(AuditEvent.class)
                .where(new ca.uhn.fhir.rest.gclient.ReferenceClientParam("entity").hasId("Patient/" + referral))
                .returnBundle(Bundle.class).execute();
        List<AuditEvent> events = trail.getEntry().stream().map(e -> (AuditEvent) e.getResource()).toList();
        assertTrue(events.stream().anyMatch(e -> e.getAgentFirstRep().getAltId().equals("provider-system-" + orgA)
                && e.getOutcome() == AuditEvent.AuditEventOutcome._0 && e.getSubtypeFirstRep().getCode().equals("read")
                && e.getAgentFirstRep().getWho().getIdentifier().getValue().equals(orgA)), "A's read");
        assertTrue(events.stream().anyMatch(e -> e.getAgentFirstRep().getAltId().equals("provider-system-PZ" + district)
                && e.getOutcome() == AuditEvent.AuditEventOutcome._4), "the refused read");
        assertTrue(events.stream().anyMatch(e -> e.getAgentFirstRep().getAltId().equals("unauthenticated")
                && e.getOutcomeDesc().equals("unauthenticated")), "the read without a token");
        assertThrows(BaseServerResponseException.class, () -> a.search().forResource(AuditEvent.class)
                .returnBundle(Bundle.class).execute(), "providers cannot read the audit trail");
    }

    private UUID fall() {
        return Referrals.post(Referrals.fallIn(district, "C3"));
    }

    private static Task claim(UUID referral, String serviceId) {
        Task task = new Task().setStatus(Task.TaskStatus.ACCEPTED).setIntent(Task.TaskIntent.ORDER)
                .setFocus(new Reference("ServiceRequest/" + referral));
        if (serviceId != null) {
            task.addInput().setValue(new Reference("HealthcareService/" + serviceId))
                    .getType().setText("healthcare-service");
        }
        return task;
    }

    private IGenericClient client(String token) {
        IGenericClient client = FHIR.newRestfulGenericClient(fhirBase.toString());
        client.registerInterceptor(new BearerTokenAuthInterceptor(token));
        return client;
    }

    private static List<String> matches(Bundle bundle) {
        return bundle.getEntry().stream().filter(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH)
                .map(e -> e.getResource().getIdElement().getIdPart()).toList();
    }

    private static List<String> ids(Response response) {
        response.then().statusCode(200);
        return matches(FHIR.newJsonParser().parseResource(Bundle.class, response.asString()));
    }

    private static String status(UUID referral) {
        return TestDatabase.text("SELECT status FROM referral WHERE id = ?", referral);
    }
}

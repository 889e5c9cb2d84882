package org.rightcare.hub.fhirapi;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;

import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.Eligibility;
import org.rightcare.hub.directory.OpeningHours;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.support.WallClock;
import org.rightcare.hub.testing.Referrals;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;
import org.rightcare.hub.testing.Tokens;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * A claim from the clinical stack for a service that is closed now, or not eligible for the patient, is refused with
 * 409 and the reason, and changes nothing (issue 15 item 3, hazard H-33): a team cannot take a patient it cannot
 * attend now or is not commissioned to treat. Capacity stays the team's own judgement.
 */
@QuarkusTest
class ClaimsTheServiceCannotHonourTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    /** Open but only for the over-90s: the fixture's patient, born in 1938, is not eligible. */
    private static CommunityService overNinetiesOnly(String id, String ods, String district) {
        CommunityService s = TestServices.service(id, ServiceType.UCR, ods, district, Duration.ofMinutes(15));
        Eligibility e = s.eligibility();
        return new CommunityService(s.id(), s.name(), s.type(), s.odsCode(), s.organisationName(), s.dosServiceId(),
                s.catchment(), s.openingHours(), new Eligibility(e.categories(), e.dispatchPhases(), e.conditions(),
                        90, null, e.news2Ceiling(), null, null),
                s.acceptanceWindow(), s.endpoint(), s.active());
    }

    /** Eligible and covering the place, but closed for two days around now. */
    private static CommunityService closedNow(String id, String ods, String district) {
        LocalDateTime now = LocalDateTime.ofInstant(Instant.now(), WallClock.ZONE);
        OpeningHours closed = new OpeningHours(OpeningHours.twentyFourSeven().availableTimes(),
                List.of(new OpeningHours.NotAvailable("staff training", now.minusDays(2), now.plusDays(2))));
        return TestServices.service(id, ServiceType.FALLS_RESPONSE, ods, district, Duration.ofMinutes(10), closed);
    }

    @Test
    void aClaimForAServiceClosedNowOrNotEligibleIsAConflictWithTheReasonAndChangesNothing() {
        String district = TestServices.freshDistrict();
        String key = district.toLowerCase();
        String other = "CL" + district;
        CommunityService open = TestServices.service("claims-open-" + key, ServiceType.UCR, "OP" + district,
                district, Duration.ofMinutes(30));
        CommunityService closed = closedNow("claims-closed-" + key, other, district);
        CommunityService notEligible = overNinetiesOnly("claims-over90-" + key, other, district);
        TestServices.install(open, closed, notEligible);
        UUID referral = Referrals.post(Referrals.fallIn(district, "C3"));
        UUID offer = Referrals.awaitOffer(referral, 1);
        String before = state(referral);

        claim(other, referral, closed.id()).then().statusCode(409).contentType("application/fhir+json")
                .body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].details.coding[0].code", equalTo("SERVICE_CANNOT_CLAIM"))
                .body("issue[0].diagnostics", containsString("is closed now"));
        claim(other, referral, notEligible.id()).then().statusCode(409)
                .body("issue[0].details.coding[0].code", equalTo("SERVICE_CANNOT_CLAIM"))
                .body("issue[0].diagnostics", containsString("not eligible"))
                .body("issue[0].diagnostics", containsString("minimum 90"));
        // Naming no service: the organisation's only service that covers the case is closed.
        claim(other, referral, null).then().statusCode(409)
                .body("issue[0].diagnostics", containsString("is closed now"));

        assertEquals(before, state(referral));
        assertEquals("requested", TestDatabase.text("SELECT status FROM offer WHERE id = ?", offer));
        assertEquals(3, TestDatabase.count("""
                SELECT count(*) FROM audit_event WHERE action = 'referral.claim' AND entity_id = ?
                AND outcome = 'not-claimable'""", referral.toString()));
    }

    @Test
    void anOpenEligibleServiceStillClaims() {
        String district = TestServices.freshDistrict();
        CommunityService team = TestServices.service("claims-ok-" + district.toLowerCase(), ServiceType.UCR,
                "OK" + district, district, Duration.ofMinutes(30));
        CommunityService closedTeam = closedNow("claims-ok-closed-" + district.toLowerCase(), "OK" + district,
                district);
        TestServices.install(team, closedTeam);
        UUID referral = Referrals.post(Referrals.fallIn(district, "C3"));
        Referrals.awaitOffer(referral, 1);

        // Its closed service does not make the organisation name a service: the open one takes the case.
        claim(team.odsCode(), referral, null).then().statusCode(201);
        assertEquals("accepted", TestDatabase.text("SELECT status FROM referral WHERE id = ?", referral));
    }

    private static String state(UUID referral) {
        return TestDatabase.strings("SELECT service_id || '/' || status || '/' || version FROM offer "
                + "WHERE referral_id = ? ORDER BY sequence", referral) + " "
                + TestDatabase.text("SELECT status || '/' || version FROM referral WHERE id = ?", referral) + " "
                + TestDatabase.count("SELECT count(*) FROM delivery_outbox WHERE referral_id = ?", referral);
    }

    private static Response claim(String ods, UUID referral, String serviceId) {
        Task task = new Task().setStatus(Task.TaskStatus.ACCEPTED).setIntent(Task.TaskIntent.ORDER)
                .setFocus(new Reference("ServiceRequest/" + referral));
        if (serviceId != null) {
            task.addInput().setValue(new Reference("HealthcareService/" + serviceId))
                    .getType().setText("healthcare-service");
        }
        return given().auth().oauth2(Tokens.provider(ods)).contentType("application/fhir+json")
                .body(FHIR.newJsonParser().encodeResourceToString(task)).post("/fhir/Task");
    }
}

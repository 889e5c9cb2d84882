package org.rightcare.hub.fhirapi;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.fhir.FhirInteraction;
import org.rightcare.hub.testing.Referrals;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;
import org.rightcare.hub.testing.Tokens;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The FHIR API's one access-audit filter: patient data never leaves without its audit record, and a refusal leaves
 * even when its record cannot be written.
 */
@QuarkusTest
class FhirAccessAuditTest {

    @Test
    void aReadWhoseAuditRecordCannotBeWrittenIsWithheldAndARefusalStillAnswered() {
        UUID referral = Referrals.post(Referrals.fallIn(TestServices.freshDistrict(), "C3"));
        String clinician = "unrecordable-" + UUID.randomUUID();
        String token = Tokens.issue(clinician, null, List.of("hub-clinician"));
        given().auth().oauth2(token).get("/fhir/ServiceRequest/" + referral).then().statusCode(200);

        // The trail refuses this clinician's records from now on, as a failing database write would.
        TestDatabase.execute("""
                CREATE FUNCTION test_unrecordable() RETURNS trigger AS $$
                BEGIN
                    IF NEW.actor LIKE 'unrecordable-%' THEN RAISE EXCEPTION 'the trail is unavailable'; END IF;
                    RETURN NEW;
                END;
                $$ LANGUAGE plpgsql""");
        TestDatabase.execute("CREATE TRIGGER test_unrecordable BEFORE INSERT ON audit_event FOR EACH ROW "
                + "EXECUTE FUNCTION test_unrecordable()");
        try {
            given().auth().oauth2(token).get("/fhir/Patient/" + referral).then().statusCode(500)
                    .contentType("application/fhir+json")
                    .body("resourceType", equalTo("OperationOutcome"))
                    .body("issue[0].details.coding[0].code", equalTo("INTERNAL_ERROR"))
                    .body(not(containsString(referral.toString())));
            given().auth().oauth2(token).get("/fhir/Patient/" + UUID.randomUUID()).then().statusCode(404)
                    .body("issue[0].details.coding[0].code", equalTo("RESOURCE_NOT_FOUND"));
        } finally {
            TestDatabase.execute("DROP TRIGGER test_unrecordable ON audit_event");
            TestDatabase.execute("DROP FUNCTION test_unrecordable()");
        }
        given().auth().oauth2(token).get("/fhir/Patient/" + referral).then().statusCode(200);
    }

    @Test
    void aProvidersAnswerAndItsAuditRecordCommitTogetherOrNotAtAll() {
        String district = TestServices.freshDistrict();
        String ods = "AU" + district;
        TestServices.install(TestServices.service("audited-" + district.toLowerCase(), ServiceType.FALLS_RESPONSE, ods,
                district, Duration.ofMinutes(10)));
        UUID recorded = Referrals.awaitOffer(Referrals.post(Referrals.fallIn(district, "C3")), 1);
        UUID unrecordable = Referrals.awaitOffer(Referrals.post(Referrals.fallIn(district, "C3")), 1);

        Referrals.answer(recorded, ods, "accepted", null, null).then().statusCode(200);
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM audit_event WHERE action = ? AND entity_id = ?",
                FhirInteraction.UPDATE.auditAction(), recorded.toString()), "one record of the answer");

        TestDatabase.execute("""
                CREATE FUNCTION test_unrecordable_answer() RETURNS trigger AS $$
                BEGIN
                    IF NEW.entity_id = '%s' THEN RAISE EXCEPTION 'the trail is unavailable'; END IF;
                    RETURN NEW;
                END;
                $$ LANGUAGE plpgsql""".formatted(unrecordable));
        TestDatabase.execute("CREATE TRIGGER test_unrecordable_answer BEFORE INSERT ON audit_event FOR EACH ROW "
                + "EXECUTE FUNCTION test_unrecordable_answer()");
        try {
            Referrals.answer(unrecordable, ods, "accepted", null, null).then().statusCode(500);
        } finally {
            TestDatabase.execute("DROP TRIGGER test_unrecordable_answer ON audit_event");
            TestDatabase.execute("DROP FUNCTION test_unrecordable_answer()");
        }
        assertEquals("requested", TestDatabase.text("SELECT status FROM offer WHERE id = ?", unrecordable),
                "an answer that cannot be recorded is not taken");
    }
}

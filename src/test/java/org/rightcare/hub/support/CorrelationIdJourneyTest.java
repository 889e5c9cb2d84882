package org.rightcare.hub.support;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.cad.WebhookSignature;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.CallbackReceiver;
import org.rightcare.hub.testing.LogCapture;
import org.rightcare.hub.testing.Referrals;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;

/**
 * One referral's journey (webhook, routing, an offer, the provider's rejection and the next offer it causes, the CAD's
 * cancel, the callbacks about it) logged and sent under
 * one correlation id, the CAD's own, and never a patient identifier in a log line.
 */
@QuarkusTest
class CorrelationIdJourneyTest {

    /** Everything in the fixture that identifies the patient (incident-created.json). */
    private static final List<String> PATIENT_IDENTIFIERS = List.of("9434765919", "943 476 5919", "Edith", "Marsh",
            "1938-04-02", "+447700900123", "07700900123", "12 Station Road", "ME14 1AB", "ME141AB");

    @Test
    void aReferralsLogsAndCallbacksShareTheCadsCorrelationIdAndNameNoPatient() {
        String district = TestServices.freshDistrict();
        String falls = "falls-c-" + district.toLowerCase();
        TestServices.install(TestServices.service(falls, ServiceType.FALLS_RESPONSE, "FC" + district, district,
                Duration.ofMinutes(10)),
                TestServices.service("ucr-c-" + district.toLowerCase(), ServiceType.UCR,
                        "UC" + district, district, Duration.ofMinutes(10)));
        String correlationId = "cad-ref-" + UUID.randomUUID();
        try (CallbackReceiver cad = new CallbackReceiver(); LogCapture logs = new LogCapture()) {
            ObjectNode created = Referrals.fallIn(district, "C3");
            created.put("callbackUrl", cad.url());
            String incidentId = created.at("/incident/incidentId").asText();
            UUID referralId = UUID.fromString(post(created, correlationId).then().statusCode(202)
                    .extract().path("referralId"));
            UUID first = Referrals.awaitOffer(referralId, 1);
            // The provider's answer comes through the FHIR API, with no correlation id of its own: the next offer it
            // causes is still logged under the referral's.
            Referrals.answer(first, "FC" + district, "rejected", OfferStatusReason.DOS_SYSTEM, "22")
                    .then().statusCode(200);
            Referrals.awaitOffer(referralId, 2);
            // A later event's id does not replace the one the incident's first event set.
            post(CadWebhook.follow(created, "incident.cancelled", Instant.now()), "another-id").then().statusCode(202);
            List<CallbackReceiver.Received> callbacks = cad.await(incidentId,
                    received -> received.stream().anyMatch(r -> r.text().contains("\"cancelled\"")),
                    Duration.ofSeconds(20));
            TestDatabase.await("the callbacks are recorded as delivered", () -> TestDatabase.count(
                    "SELECT count(*) FROM delivery_outbox WHERE referral_id = ? AND state <> 'delivered'", referralId) == 0);

            for (CallbackReceiver.Received callback : callbacks) {
                assertEquals(correlationId, callback.headers().get("x-correlation-id"), callback.text());
            }
            assertEquals(correlationId, TestDatabase.text("SELECT correlation_id FROM referral WHERE id = ?", referralId));

            List<LogCapture.Line> journey = logs.lines().stream()
                    .filter(line -> line.text().contains(referralId.toString()) || line.text().contains(incidentId)
                            || correlationId.equals(line.mdc().get(CorrelationId.MDC_KEY)))
                    .toList();
            for (LogCapture.Line line : journey) {
                assertEquals(correlationId, line.mdc().get(CorrelationId.MDC_KEY), line.logger() + ": " + line.text());
            }
            List<String> texts = journey.stream().map(LogCapture.Line::text).toList();
            assertTrue(texts.stream().anyMatch(text -> text.startsWith("Stored incident.created")), texts.toString());
            assertTrue(texts.stream().filter(text -> text.startsWith("Offering referral")).count() == 2,
                    texts.toString());
            assertTrue(texts.stream().anyMatch(text -> text.startsWith("Delivered cad-callback")), texts.toString());
            for (LogCapture.Line line : logs.lines()) {
                String everything = line.text() + " " + line.mdc();
                for (String identifier : PATIENT_IDENTIFIERS) {
                    assertFalse(everything.contains(identifier), "a log line names the patient: " + everything);
                }
            }
        }
    }

    @Test
    void anUnusableCorrelationIdIsReplacedByOneTheHubMakes() {
        String injected = "x\" , \"level\":\"ERROR";
        ObjectNode created = CadWebhook.event("incident-created.json");
        UUID referralId = UUID.fromString(post(created, injected).then().statusCode(202).extract().path("referralId"));

        String kept = TestDatabase.text("SELECT correlation_id FROM referral WHERE id = ?", referralId);
        assertTrue(kept.matches("[0-9a-f-]{36}"), kept);
        UUID other = Referrals.post(CadWebhook.event("incident-created.json"));
        assertFalse(kept.equals(TestDatabase.text("SELECT correlation_id FROM referral WHERE id = ?", other)),
                "each incident gets its own");
    }

    private static io.restassured.response.Response post(ObjectNode event, String correlationId) {
        byte[] body = CadWebhook.bytes(event);
        return given().contentType("application/json")
                .header(WebhookSignature.HEADER, WebhookSignature.sign(CadWebhook.SECRET, Instant.now(), body))
                .header(CorrelationId.HEADER, correlationId)
                .body(body).post("/cad/v1/events");
    }
}

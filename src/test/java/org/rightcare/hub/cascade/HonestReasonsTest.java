package org.rightcare.hub.cascade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rightcare.hub.testing.Referrals.answer;
import static org.rightcare.hub.testing.Referrals.awaitOffer;
import static org.rightcare.hub.testing.Referrals.fallIn;
import static org.rightcare.hub.testing.Referrals.lastCallback;
import static org.rightcare.hub.testing.Referrals.offers;
import static org.rightcare.hub.testing.Referrals.post;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.referral.SendBackReason;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.Roles;
import org.rightcare.hub.testing.LogCapture;
import org.rightcare.hub.testing.TestDatabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue 15 items 4 (the words) and 5 (honest failures), end to end through the real webhook, Task API and database:
 * what the CAD reads when a person gave reasons, when a provider cannot be reached, and when a step always fails.
 */
@QuarkusTest
class HonestReasonsTest {

    @Inject
    DueReferralSweeper sweeper;

    @Inject
    ClinicianSendBacks clinicianSendBacks;

    @Inject
    MeterRegistry registry;

    @Test
    void aDeclinesOwnWordsReachTheCadWithTheSendBack() throws Exception {
        SendBackLoopTest.Area area = SendBackLoopTest.fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));
        answer(awaitOffer(referral, 1), area.fallsOds(), "rejected", SendBackLoopTest.DOS_CAPACITY, "22").then()
                .statusCode(200);
        answer(awaitOffer(referral, 2), area.ucrOds(), "rejected", SendBackLoopTest.DOS_CAPACITY, "23").then()
                .statusCode(200);

        JsonNode sentBack = lastCallback(referral);
        assertEquals("referral.sent-back", sentBack.path("eventType").asText());
        assertEquals("clinically-inappropriate", sentBack.at("/reason/code").asText());
        // Referrals.answer declines with the words "answered by a test".
        assertEquals("answered by a test", sentBack.at("/reason/text").asText());
        assertEquals("answered by a test", sentBack.at("/attempts/0/text").asText());
        assertEquals("answered by a test", sentBack.at("/attempts/1/text").asText());
        assertTrue(sentBack.path("outcome").isMissingNode(), "no final answer, no outcome: " + sentBack);
    }

    @Test
    void aClinicianSendBackCarriesTheClinicianWords() throws Exception {
        SendBackLoopTest.Area area = SendBackLoopTest.fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));
        awaitOffer(referral, 1);
        Caller clinician = new Caller("dr-test", "HUB", Set.of(Roles.HUB_CLINICIAN), null);

        ClinicianSendBacks.Result result = clinicianSendBacks.sendBack(clinician, referral,
                SendBackReason.CLINICALLY_INAPPROPRIATE, "Sounds like a stroke: FAST positive on the call")
                .await().atMost(Duration.ofSeconds(30));

        assertTrue(result instanceof ClinicianSendBacks.SentBack, result.toString());
        JsonNode sentBack = lastCallback(referral);
        assertEquals("clinically-inappropriate", sentBack.at("/reason/code").asText());
        assertEquals("Sounds like a stroke: FAST positive on the call", sentBack.at("/reason/text").asText());
        assertEquals("cancelled", offers(referral).get(0).get("status"));
    }

    @Test
    void aStepThatAlwaysFailsSendsTheCaseBackAsHubErrorWithOneErrorLogged() throws Exception {
        SendBackLoopTest.Area area = SendBackLoopTest.fallsAndUcr();
        ObjectNode created = fallIn(area.district(), "C3");
        String incidentId = "ALWAYS-FAILS-" + UUID.randomUUID();
        ((ObjectNode) created.get("incident")).put("incidentId", incidentId);
        // Every routing decision of this incident is refused by the database (not an outage): each step fails.
        String trigger = "always_fails_" + Math.abs(incidentId.hashCode());
        TestDatabase.execute("""
                CREATE OR REPLACE FUNCTION %1$s() RETURNS trigger AS $$
                BEGIN
                  IF EXISTS (SELECT 1 FROM referral r WHERE r.id = NEW.referral_id AND r.incident_id = '%2$s') THEN
                    RAISE EXCEPTION 'a step that always fails';
                  END IF;
                  RETURN NEW;
                END $$ LANGUAGE plpgsql""".formatted(trigger, incidentId));
        TestDatabase.execute("CREATE TRIGGER %1$s BEFORE INSERT ON routing_decision FOR EACH ROW EXECUTE FUNCTION %1$s()"
                .formatted(trigger));
        double failuresBefore = registry.counter("rightcare.referral.step.failures").count();
        try (LogCapture logs = new LogCapture()) {
            UUID referral = post(created);
            Instant at = Instant.now();
            for (int i = 0; i < 12 && !"sent-back".equals(SendBackLoopTest.status(referral)); i++) {
                at = at.plus(Duration.ofSeconds(31));
                sweepEverythingDueAt(at);
            }

            assertEquals("sent-back", SendBackLoopTest.status(referral));
            assertEquals("hub-error", SendBackLoopTest.sendBackReason(referral));
            assertEquals("hub-error", lastCallback(referral).at("/reason/code").asText());
            assertTrue(registry.counter("rightcare.referral.step.failures").count() >= failuresBefore + 5);
            List<LogCapture.Line> errors = logs.lines().stream()
                    .filter(l -> l.level().intValue() >= Level.SEVERE.intValue()
                            && l.text().contains(referral.toString()))
                    .toList();
            assertEquals(1, errors.size(), errors.toString());
            String correlationId = TestDatabase.text("SELECT correlation_id FROM referral WHERE id = ?", referral);
            assertTrue(errors.get(0).text().contains(correlationId), errors.get(0).text());
        } finally {
            TestDatabase.execute("DROP TRIGGER %1$s ON routing_decision".formatted(trigger));
            TestDatabase.execute("DROP FUNCTION %1$s()".formatted(trigger));
        }
    }

    void sweepEverythingDueAt(Instant at) {
        int advanced;
        do {
            advanced = sweeper.sweep(at).await().atMost(Duration.ofSeconds(60));
        } while (advanced > 0);
    }
}

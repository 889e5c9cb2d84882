package org.rightcare.hub.intake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.referral.ReferralRepository;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.TestDatabase;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * A new incident is stored two ways: with others by the group commit's one statement
 * ({@link CadEventRepository#storeNewIncidents}), or on its own by the upsert and the event's insert (a batch that
 * failed, a stopping hub's stragglers). The two statements are written apart, so this holds them to one result: the
 * referral and event rows they store for the same incident differ only in what names the incident and its event.
 */
@QuarkusTest
class NewIncidentRowsTest {

    /**
     * Far enough ahead that no sweep routes either referral while the test reads it (a referral is due at its
     * receipt), so both rows stay as the store left them.
     */
    private static final Duration AHEAD = Duration.ofDays(1);

    /** What names the incident, its event or the request that brought it: the only columns allowed to differ. */
    private static final String REFERRAL_IDENTITY = "- 'id' - 'incident_id' - 'correlation_id' - 'trace_parent'"
            + " #- '{incident,incidentId}'";
    private static final String EVENT_IDENTITY = "- 'id' - 'event_id' - 'incident_id' - 'referral_id' - 'body'"
            + " - 'signed_body' - 'body_sha256'";

    @Inject
    CadEventRepository events;

    @Inject
    ReferralRepository referrals;

    @Inject
    CadEventParser parser;

    @Inject
    Pool pool;

    @Test
    void anIncidentStoredWithItsBatchReadsBackAsOneStoredOnItsOwn() throws Exception {
        Instant now = Instant.now().plus(AHEAD).truncatedTo(ChronoUnit.MICROS);
        Instant breachAt = now.plus(Duration.ofMinutes(120));
        String answer = "{\"status\":\"routing\"}";

        byte[] batchedBody = CadWebhook.bytes(CadWebhook.event("incident-created.json"));
        CadEvent batched = parser.parse(batchedBody).event();
        UUID batchedReferral = UUID.randomUUID();
        Set<UUID> stored = events.storeNewIncidents(List.of(new CadEventRepository.NewIncident(batched, batchedBody,
                sha256(batchedBody), now, batchedReferral, referrals.incidentJson(batched.incident()), breachAt,
                ReferralRepository.boundedEventTime(batched.occurredAt(), now), "corr-batched", null, answer)))
                .await().atMost(Duration.ofSeconds(10));
        assertEquals(Set.of(batchedReferral), stored);

        ObjectNode aloneEvent = CadWebhook.event("incident-created.json");
        byte[] aloneBody = CadWebhook.bytes(aloneEvent);
        CadEvent alone = parser.parse(aloneBody).event();
        byte[] aloneSha256 = sha256(aloneBody);
        UUID aloneReferral = pool.withTransaction(tx -> referrals.upsertIncident(tx, UUID.randomUUID(),
                alone.cadSystem(), alone.incident(), breachAt,
                alone.callbackUrl() == null ? null : alone.callbackUrl().toString(), alone.occurredAt(), now,
                "corr-alone", null)
                .chain(upserted -> events.insert(tx, alone, aloneBody, aloneSha256, upserted.referral().id(),
                        IntakeService.ACCEPTED, answer, now).replaceWith(upserted.referral().id())))
                .await().atMost(Duration.ofSeconds(10));

        assertEquals(row("referral", REFERRAL_IDENTITY, "id = ?::uuid", aloneReferral),
                row("referral", REFERRAL_IDENTITY, "id = ?::uuid", batchedReferral),
                "the referral rows differ beyond the incident's identity");
        assertEquals(row("cad_event", EVENT_IDENTITY, "referral_id = ?::uuid", aloneReferral),
                row("cad_event", EVENT_IDENTITY, "referral_id = ?::uuid", batchedReferral),
                "the event rows differ beyond the event's identity");
        for (Object[] each : new Object[][] { { batchedReferral, batchedBody }, { aloneReferral, aloneBody } }) {
            byte[] body = (byte[]) each[1];
            assertArrayEquals(body, TestDatabase.bytes("SELECT signed_body FROM cad_event WHERE referral_id = ?::uuid",
                    each[0]), "the body exactly as signed");
            assertArrayEquals(sha256(body), TestDatabase.bytes(
                    "SELECT body_sha256 FROM cad_event WHERE referral_id = ?::uuid", each[0]));
            assertEquals(1, TestDatabase.count("""
                    SELECT count(*) FROM cad_event e JOIN referral r ON r.id = e.referral_id
                    WHERE r.id = ?::uuid AND e.body = convert_from(e.signed_body, 'UTF8')::jsonb
                    AND e.incident_id = r.incident_id AND e.incident_id = e.body #>> '{incident,incidentId}'
                    """, each[0]), "the parsed copy, and the incident it names");
        }
        assertTrue(TestDatabase.text("SELECT to_jsonb(r)::text FROM referral r WHERE id = ?::uuid", batchedReferral)
                .contains("\"status\": \"routing\""), "both stored as new referrals, waiting to be routed");
    }

    /** The row as jsonb text without the named columns: every other column, compared whole. */
    private static String row(String table, String without, String where, UUID id) {
        return TestDatabase.text("SELECT (to_jsonb(t) " + without + ")::text FROM " + table + " t WHERE " + where, id);
    }

    private static byte[] sha256(byte[] body) throws java.security.NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(body);
    }
}

package org.rightcare.hub.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.delivery.OutboxRepository.ClaimResult;
import org.rightcare.hub.delivery.OutboxRepository.Completion;
import org.rightcare.hub.delivery.OutboxRepository.Withdrawal;
import org.rightcare.hub.testing.CadCallbacks;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Deliveries that reached their receivers are recorded by the dispatcher's next claim, many in its one statement. None
 * is lost or marked wrongly: each pending row is marked delivered with its own time; a row withdrawn meanwhile stays
 * withdrawn and its attempt ends; a row another transaction holds locked is left pending, reported as not recorded,
 * and recorded by a later claim; the row behind a completed one in its ordering key goes in the same claim.
 *
 * <p>
 * Rows are written on a channel of this test's own, which the hub's dispatcher never claims.
 */
@QuarkusTest
class OutboxCompletionsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration LEASE = Duration.ofMinutes(1);

    @Inject
    OutboxRepository outbox;

    private final String channel = "completions-test-" + UUID.randomUUID();

    @Test
    void aBatchOfCompletionsMarksEachPendingRowDeliveredWithItsOwnTimeAndTheRowsBehindThemGoInTheSameClaim() {
        List<UUID> firsts = new ArrayList<>();
        List<UUID> seconds = new ArrayList<>();
        for (int key = 0; key < 20; key++) {
            firsts.add(write("key-" + key));
            seconds.add(write("key-" + key));
        }
        ClaimResult first = claim(List.of());
        assertEquals(Set.copyOf(firsts), ids(first.claimed()), "one row per ordering key, the earliest");

        List<Completion> completions = new ArrayList<>();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (int i = 0; i < first.claimed().size(); i++) {
            OutboxEntry entry = first.claimed().get(i);
            completions.add(new Completion(entry.id(), entry.leaseToken(), at.plusMillis(i)));
        }
        ClaimResult second = claim(completions);

        assertEquals(Set.copyOf(firsts), second.recorded());
        assertEquals(Set.copyOf(firsts), second.delivered());
        assertEquals(Set.copyOf(seconds), ids(second.claimed()),
                "a completed row no longer holds back the row behind it, in the same statement");
        for (Completion completion : completions) {
            Map<String, Object> row = row(completion.id());
            assertEquals("delivered", row.get("state"));
            assertEquals(completion.deliveredAt(), ((Timestamp) row.get("delivered_at")).toInstant());
            assertNull(row.get("lease_token"));
            assertEquals(1, row.get("attempts"));
        }
        for (UUID behind : seconds) {
            assertEquals("pending", row(behind).get("state"), "claimed for an attempt, not marked");
        }
    }

    @Test
    void aRowWithdrawnWhileOnTheWireStaysWithdrawnItsAttemptEndsAndTheRowBehindItGoes() {
        UUID offer = write("offer-1");
        UUID revocation = write("offer-1");
        OutboxEntry claimed = single(claim(List.of()).claimed());
        assertEquals(offer, claimed.id());
        assertEquals(Withdrawal.WITHDRAWN_IN_FLIGHT,
                CadCallbacks.pool().withTransaction(tx -> outbox.withdraw(tx, offer, Instant.now())).await().atMost(WAIT));
        assertTrue(claim(List.of()).claimed().isEmpty(), "the revocation waits while the offer may be on the wire");

        ClaimResult result = claim(List.of(new Completion(offer, claimed.leaseToken(), Instant.now())));

        assertEquals(Set.of(offer), result.recorded());
        assertEquals(Set.of(), result.delivered(), "a withdrawn row is not marked delivered");
        Map<String, Object> row = row(offer);
        assertEquals("withdrawn", row.get("state"));
        assertNull(row.get("delivered_at"));
        assertNull(row.get("lease_token"), "its attempt is over");
        assertEquals(Set.of(revocation), ids(result.claimed()));
    }

    @Test
    void aDeliveryIsFinalEvenIfItsLeaseRanOutAndAnotherClaimTookTheRow() {
        UUID id = write("late");
        OutboxEntry claimed = single(claim(List.of()).claimed());
        update("UPDATE delivery_outbox SET lease_token = ? WHERE id = ?", UUID.randomUUID(), id);

        ClaimResult result = claim(List.of(new Completion(id, claimed.leaseToken(), Instant.now())));

        assertEquals(Set.of(id), result.delivered());
        assertEquals("delivered", row(id).get("state"));
    }

    @Test
    void aRowLockedByAnotherTransactionIsNeitherWaitedForNorLostItIsRecordedByALaterClaim() throws Exception {
        UUID held = write("held");
        UUID free = write("free");
        ClaimResult first = claim(List.of());
        List<Completion> completions = first.claimed().stream()
                .map(entry -> new Completion(entry.id(), entry.leaseToken(), Instant.now())).toList();
        assertEquals(Set.of(held, free), ids(first.claimed()));

        try (Connection cascade = DriverManager.getConnection(
                ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class), "postgres", "postgres")) {
            cascade.setAutoCommit(false);
            try (PreparedStatement lock = cascade.prepareStatement("SELECT 1 FROM delivery_outbox WHERE id = ? FOR UPDATE")) {
                lock.setObject(1, held);
                lock.executeQuery().close();
            }
            ClaimResult whileLocked = claim(completions);
            assertEquals(Set.of(free), whileLocked.recorded(), "the locked row is skipped and reported so");
            assertEquals(Set.of(free), whileLocked.delivered());
            assertEquals("pending", row(held).get("state"));
            assertNotNull(row(held).get("lease_token"), "still this dispatcher's claim");
            cascade.rollback();
        }

        ClaimResult later = claim(completions.stream().filter(c -> c.id().equals(held)).toList());
        assertEquals(Set.of(held), later.recorded());
        assertEquals(Set.of(held), later.delivered());
        assertEquals("delivered", row(held).get("state"));
    }

    @Test
    void aClaimWithNothingDueStillRecordsAndOneWithNoCompletionsRecordsNothing() {
        UUID id = write("only");
        OutboxEntry claimed = single(claim(List.of()).claimed());
        ClaimResult empty = claim(List.of());
        assertEquals(Set.of(), empty.recorded());
        assertTrue(empty.claimed().isEmpty());

        ClaimResult result = outbox.claim(List.of(channel), Map.of(), 0, 8, Instant.now(), Instant.now().plus(LEASE),
                List.of(new Completion(id, claimed.leaseToken(), Instant.now()))).await().atMost(WAIT);
        assertEquals(Set.of(id), result.delivered(), "a claim of no rows (a stopping dispatcher's) still records");
        assertTrue(result.claimed().isEmpty());
    }

    private UUID write(String orderingKey) {
        UUID id = UUID.randomUUID();
        NewDelivery delivery = new NewDelivery(id, channel, "completions-test", orderingKey, null,
                URI.create("http://127.0.0.1:9/none"), null, "application/json", "{}");
        CadCallbacks.pool().withTransaction(tx -> outbox.insert(tx, delivery, Instant.now())).await().atMost(WAIT);
        return id;
    }

    private ClaimResult claim(List<Completion> completions) {
        Instant now = Instant.now();
        return outbox.claim(List.of(channel), Map.of(), 100, 100, now, now.plus(LEASE), completions).await()
                .atMost(WAIT);
    }

    private static Map<String, Object> row(UUID id) {
        return CadCallbacks.rows("SELECT * FROM delivery_outbox WHERE id = ?", id).get(0);
    }

    private static void update(String sql, Object... params) {
        try (Connection c = DriverManager.getConnection(
                ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class), "postgres", "postgres");
                PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.executeUpdate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<UUID> ids(List<OutboxEntry> entries) {
        return Set.copyOf(entries.stream().map(OutboxEntry::id).toList());
    }

    private static OutboxEntry single(List<OutboxEntry> entries) {
        assertEquals(1, entries.size(), "claimed: " + entries);
        return entries.get(0);
    }
}

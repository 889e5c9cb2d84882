package org.rightcare.hub.delivery;

import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The {@code delivery_outbox} table. Each dispatcher statement is a transaction of its own, held for milliseconds:
 * nothing is locked while a delivery is on the wire.
 */
@ApplicationScoped
public class OutboxRepository {

    static final String PENDING = "pending";
    static final String DEAD = "dead";

    private static final String ENTRY_COLUMNS = "o.id, o.channel, o.destination, o.ordering_key, o.url, o.content_type, "
            + "o.payload, o.attempts, o.pending_since, o.lease_token, o.correlation_id, o.trace_parent";

    private final Pool pool;

    public OutboxRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Writes a delivery in the caller's transaction. The sequence that orders an ordering key's rows is taken under
     * a transaction-scoped advisory lock on that key, so two transactions writing for the same key commit in the
     * order of their sequence numbers, and a dispatcher never sees a later row before an earlier one has committed.
     * The row takes its referral's correlation id, so its attempts are logged and sent under it, and the current
     * trace context (else the trace of the referral's latest CAD event), so they join the trace that caused them.
     */
    public Uni<Void> insert(SqlClient tx, NewDelivery delivery, Instant now) {
        String sql = """
                INSERT INTO delivery_outbox (id, channel, destination, ordering_key, referral_id, url, content_type,
                                             payload, state, next_attempt_at, last_error, created_at, pending_since,
                                             dead_at, correlation_id, trace_parent)
                SELECT $1::uuid, $2::text, $3::text, $4::text, $5::uuid, $6::text, $7::text, $8::text,
                       CASE WHEN $6::text IS NULL THEN 'dead' ELSE 'pending' END,
                       $9::timestamptz, $10::text, $9::timestamptz, $9::timestamptz,
                       CASE WHEN $6::text IS NULL THEN $9::timestamptz END,
                       (SELECT correlation_id FROM referral WHERE id = $5::uuid),
                       COALESCE($11::text, (SELECT trace_parent FROM referral WHERE id = $5::uuid))
                FROM (SELECT pg_advisory_xact_lock(hashtextextended($2::text || ' ' || $4::text, 0))) AS one_writer_per_key
                """;
        Tuple params = Tuple.tuple()
                .addUUID(delivery.id()).addString(delivery.channel()).addString(delivery.destination())
                .addString(delivery.orderingKey()).addUUID(delivery.referralId())
                .addString(delivery.url() == null ? null : delivery.url().toString())
                .addString(delivery.contentType()).addString(delivery.payload())
                .addOffsetDateTime(utc(now))
                .addString(delivery.url() == null ? delivery.undeliverableReason() : null)
                .addString(DeliveryTracing.currentTraceParent());
        return tx.preparedQuery(sql).execute(params).replaceWithVoid();
    }

    /**
     * An attempt that reached its receiver (a 2xx), to be recorded by the next {@link #claim}.
     *
     * @param leaseToken the claim the attempt ran under: a row withdrawn while it was on the wire stops holding back
     *        its ordering key only if no later claim took it meanwhile
     */
    public record Completion(UUID id, UUID leaseToken, Instant deliveredAt) {
    }

    /**
     * What one {@link #claim} did.
     *
     * @param claimed the deliveries claimed for an attempt each
     * @param recorded the completions recorded (delivered, or the attempt on a withdrawn row ended); the others'
     *        rows were locked by another transaction and wait for a later claim
     * @param delivered of those recorded, the rows this claim marked delivered (the rest had been withdrawn, or
     *        already delivered, given up or claimed again by another replica)
     */
    public record ClaimResult(List<OutboxEntry> claimed, Set<UUID> recorded, Set<UUID> delivered) {
    }

    /**
     * Records the completions, then claims due deliveries for one attempt each: counts the attempt and moves
     * {@code next_attempt_at} to the end of the lease, so no other dispatcher takes them meanwhile. One statement,
     * so one commit, records what the dispatcher's last attempts achieved and finds its next work: a delivery costs
     * no statement or commit of its own to be marked delivered.
     *
     * <p>
     * A completion marks its row delivered if it is still pending, whoever's claim it was: a 2xx is final even if the
     * lease ran out and another replica retried. A row withdrawn meanwhile stays withdrawn, and its attempt, if the
     * completion's, is over: it stops holding back the rows behind it. A completion whose row another transaction holds
     * locked (a cascade withdrawing it) is skipped, not waited for, so that the claim never waits on the cascade;
     * it is left out of {@link ClaimResult#recorded()} for the caller to bring to a later claim.
     *
     * <p>
     * Due means pending, {@code next_attempt_at} reached, and no earlier row of the same channel and ordering key
     * still pending or withdrawn with an attempt still on the wire (so an incident's callbacks go out one at a time,
     * in order, and an offer's revocation never overtakes the offer), and the destination not paused by
     * an operator (its rows wait, due, until it is resumed). A row this statement records as delivered, or whose
     * withdrawn attempt it ends, no longer holds back the row behind it, which this same statement may claim.
     * Destinations take turns: every destination's first due row comes before any destination's second, and no
     * destination gets more than {@code perDestination} minus what this dispatcher already has in flight to it.
     *
     * <p>
     * The pool caches the statement like every other ({@link org.rightcare.hub.support.DatabasePoolCreator}):
     * planning it afresh on every call cost about 1 ms of PostgreSQL's CPU a claim. PostgreSQL plans its first calls
     * on a connection for their parameters, then keeps a generic plan, made again whenever the outbox's statistics
     * are updated (autovacuum does that each time a tenth of the table has changed). That plan finds the completions
     * and the claimed rows by their ids and the due rows through the index of pending ones
     * ({@code OutboxClaimPlanTest}). The completions are joined to the outbox by id alone, and the rows to claim are
     * chosen once, as an array of ids, so that a plan made when the statistics showed hardly a row pending, as a busy
     * outbox's often do, reads neither every pending row for the completions nor the chosen rows again for every due
     * row (docs/performance.md, issue 21's eleventh round). A plan made before the outbox was first analysed, or while
     * most of its rows were pending, reads more of it until the next analysis (the tenth round).
     *
     * @param inFlightByDestination attempts this dispatcher has in flight, by destination (not counting the
     *        completions)
     */
    public Uni<ClaimResult> claim(Collection<String> channels, Map<String, Integer> inFlightByDestination,
            int limit, int perDestination, Instant now, Instant leaseUntil, List<Completion> completions) {
        String[] busyDestinations = inFlightByDestination.keySet().toArray(String[]::new);
        Integer[] busyCounts = new Integer[busyDestinations.length];
        for (int i = 0; i < busyDestinations.length; i++) {
            busyCounts[i] = inFlightByDestination.get(busyDestinations[i]);
        }
        Tuple params = Tuple.tuple()
                .addOffsetDateTime(utc(now)).addInteger(limit).addInteger(perDestination)
                .addArrayOfString(channels.toArray(String[]::new))
                .addArrayOfString(busyDestinations).addArrayOfInteger(busyCounts)
                .addOffsetDateTime(utc(leaseUntil)).addUUID(UUID.randomUUID())
                .addArrayOfUUID(completions.stream().map(Completion::id).toArray(UUID[]::new))
                .addArrayOfUUID(completions.stream().map(Completion::leaseToken).toArray(UUID[]::new))
                .addArrayOfOffsetDateTime(completions.stream().map(c -> utc(c.deliveredAt()))
                        .toArray(OffsetDateTime[]::new));
        return pool.preparedQuery(CLAIM).execute(params).map(OutboxRepository::claimResult);
    }

    static final String CLAIM = """
            WITH completing AS (
                -- The completions' rows, locked, as they are now; one another transaction holds (a cascade
                -- withdrawing it) is skipped, not waited for, and recorded by a later claim.
                SELECT o.id, o.state, o.lease_token FROM delivery_outbox o WHERE o.id = ANY ($9::uuid[])
                FOR UPDATE SKIP LOCKED
            ), completed AS (
                -- Joined to the outbox by id alone, so that no plan reads the pending rows to find them.
                UPDATE delivery_outbox o
                SET state = CASE WHEN k.state = 'pending' THEN 'delivered' ELSE k.state END,
                    delivered_at = CASE WHEN k.state = 'pending' THEN c.delivered_at END,
                    lease_token = NULL
                FROM completing k
                JOIN unnest($9::uuid[], $10::uuid[], $11::timestamptz[]) AS c (id, lease_token, delivered_at) USING (id)
                WHERE o.id = k.id AND (k.state = 'pending' OR (k.state = 'withdrawn' AND k.lease_token = c.lease_token))
                RETURNING o.id, o.state
            ), in_flight_here AS (
                SELECT * FROM unnest($5::text[], $6::int[]) AS f (destination, in_flight)
            ), first_pending AS (
                -- Each ordering key's earliest pending row, found in one ordered pass. (A NOT EXISTS on an
                -- earlier row let a plan cached while the table was small compare every pending row with every
                -- other: seconds per claim once thousands were queued.) This statement's snapshot still shows the
                -- rows it completes as they were: they are over, and the rows behind them may go.
                SELECT DISTINCT ON (o.channel, o.ordering_key) o.id, o.channel, o.ordering_key, o.destination,
                       o.next_attempt_at, o.sequence
                FROM delivery_outbox o
                WHERE o.state = 'pending' AND o.channel = ANY ($4) AND o.id NOT IN (SELECT id FROM completed)
                ORDER BY o.channel, o.ordering_key, o.sequence
            ), heads AS (
                SELECT h.id, h.destination, h.next_attempt_at, h.sequence
                FROM first_pending h
                WHERE h.next_attempt_at <= $1
                  AND NOT EXISTS (SELECT 1 FROM paused_destination p WHERE p.destination = h.destination)
                  AND NOT EXISTS (SELECT 1 FROM delivery_outbox earlier
                                  WHERE earlier.channel = h.channel AND earlier.ordering_key = h.ordering_key
                                    AND earlier.state = 'withdrawn' AND earlier.lease_token IS NOT NULL
                                    AND earlier.next_attempt_at > $1 AND earlier.sequence < h.sequence
                                    AND earlier.id NOT IN (SELECT id FROM completed))
            ), ranked AS (
                SELECT h.id, h.next_attempt_at,
                       row_number() OVER (PARTITION BY h.destination ORDER BY h.next_attempt_at, h.sequence)
                           + COALESCE(f.in_flight, 0) AS turn
                FROM heads h LEFT JOIN in_flight_here f USING (destination)
            ), chosen AS (
                SELECT id FROM ranked WHERE turn <= $3 ORDER BY turn, next_attempt_at LIMIT $2
            ), claimable AS (
                -- Re-checked under the row lock: another dispatcher may have claimed or finished a row since
                -- this statement's snapshot; rows it holds locked right now are skipped, not waited for.
                SELECT o.id FROM delivery_outbox o
                WHERE o.id = ANY (ARRAY(SELECT id FROM chosen)) AND o.state = 'pending' AND o.next_attempt_at <= $1
                FOR UPDATE SKIP LOCKED
            ), claimed AS (
                UPDATE delivery_outbox o SET attempts = o.attempts + 1, next_attempt_at = $7, lease_token = $8
                FROM claimable WHERE o.id = claimable.id
                RETURNING %s
            )
            -- One row even when nothing was claimed, so that what was recorded always comes back.
            SELECT (SELECT array_agg(id) FROM completing) AS recorded,
                   (SELECT array_agg(id) FROM completed WHERE state = 'delivered') AS delivered, claimed.*
            FROM (VALUES (1)) AS one LEFT JOIN claimed ON true
            """.formatted(ENTRY_COLUMNS);

    /**
     * A destination that was failing is back: every one of its pending deliveries waiting on a backoff is due now. Rows
     * on the wire (claimed) are left to their attempts; the claim keeps each ordering key's rows in order. Returns how
     * many were brought forward.
     */
    public Uni<Integer> pullForward(String destination, Instant now) {
        return pool.preparedQuery("""
                UPDATE delivery_outbox SET next_attempt_at = $2
                WHERE destination = $1 AND state = 'pending' AND lease_token IS NULL AND next_attempt_at > $2
                """).execute(Tuple.of(destination, utc(now))).map(RowSet::rowCount);
    }

    /**
     * Makes the failing destination's oldest pending delivery due now, as a probe of whether it is back: the oldest
     * row is the head of its ordering key, so the claim may take it. False when there is none waiting.
     */
    public Uni<Boolean> probe(String destination, Instant now) {
        return pool.preparedQuery("""
                UPDATE delivery_outbox SET next_attempt_at = $2
                WHERE id = (SELECT id FROM delivery_outbox
                            WHERE destination = $1 AND state = 'pending' AND lease_token IS NULL
                            ORDER BY sequence LIMIT 1)
                  AND next_attempt_at > $2
                """).execute(Tuple.of(destination, utc(now))).map(rows -> rows.rowCount() == 1);
    }

    /**
     * The attempt on a row withdrawn while it was on the wire is over, whatever came of it: the row stops holding
     * back the rows behind it in its ordering key. It stays withdrawn.
     */
    public Uni<Void> attemptOnWithdrawnEnded(OutboxEntry entry) {
        return pool.preparedQuery("""
                UPDATE delivery_outbox SET lease_token = NULL
                WHERE id = $1 AND lease_token = $2 AND state = 'withdrawn'
                """).execute(Tuple.of(entry.id(), entry.leaseToken())).replaceWithVoid();
    }

    /** What withdrawing a delivery found. */
    public enum Withdrawal {
        /** No such delivery, or it had already been given up or withdrawn. */
        NONE,
        /** It was pending with no attempt on the wire: withdrawn, and no attempt of it is running. */
        WITHDRAWN,
        /**
         * It was pending and claimed, an attempt on the wire (or its claimant died mid-send): withdrawn, but that
         * attempt may still reach the receiver.
         */
        WITHDRAWN_IN_FLIGHT,
        /** It had been delivered already: the receiver has it. */
        DELIVERED;

        /** Whether the receiver has, or may yet get, the message. */
        public boolean mayHaveReachedReceiver() {
            return this == WITHDRAWN_IN_FLIGHT || this == DELIVERED;
        }
    }

    /**
     * Withdraws a pending delivery in the caller's transaction: it is never sent again, and outcomes of an attempt
     * already on the wire do not bring it back. A claimed row keeps its lease token until that attempt ends, so rows
     * queued behind it wait for it ({@link #claim}).
     */
    public Uni<Withdrawal> withdraw(SqlClient tx, UUID id, Instant now) {
        return tx.preparedQuery("SELECT state, lease_token FROM delivery_outbox WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(id)).chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Withdrawal.NONE);
                    }
                    Row row = rows.iterator().next();
                    String state = row.getString("state");
                    if ("delivered".equals(state)) {
                        return Uni.createFrom().item(Withdrawal.DELIVERED);
                    }
                    if (!PENDING.equals(state)) {
                        return Uni.createFrom().item(Withdrawal.NONE);
                    }
                    Withdrawal withdrawal = row.getUUID("lease_token") == null ? Withdrawal.WITHDRAWN
                            : Withdrawal.WITHDRAWN_IN_FLIGHT;
                    return tx.preparedQuery("""
                            UPDATE delivery_outbox SET state = 'withdrawn', withdrawn_at = $2 WHERE id = $1
                            """).execute(Tuple.of(id, utc(now))).replaceWith(withdrawal);
                });
    }

    /**
     * Withdraws every pending delivery of one channel to one destination in the caller's transaction, as
     * {@link #withdraw} does one: for a receiver that is gone. Returns how many it withdrew.
     */
    public Uni<Integer> withdrawAll(SqlClient tx, String channel, String destination, Instant now) {
        return tx.preparedQuery("""
                UPDATE delivery_outbox SET state = 'withdrawn', withdrawn_at = $3
                WHERE channel = $1 AND destination = $2 AND state = 'pending'
                """).execute(Tuple.of(channel, destination, utc(now))).map(rows -> rows.rowCount());
    }

    /** Sets the next attempt, if the claim is still this dispatcher's. */
    public Uni<Boolean> reschedule(OutboxEntry entry, Instant nextAttempt, String error) {
        return pool.preparedQuery("""
                UPDATE delivery_outbox SET next_attempt_at = $3, last_error = $4, lease_token = NULL
                WHERE id = $1 AND lease_token = $2 AND state = 'pending'
                """).execute(Tuple.of(entry.id(), entry.leaseToken(), utc(nextAttempt), error))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Gives up on the delivery, if the claim is still this dispatcher's. */
    public Uni<Boolean> markDead(OutboxEntry entry, String error, Instant now) {
        return markDead(entry, error, now, tx -> Uni.createFrom().voidItem());
    }

    /**
     * Gives up on the delivery, if the claim is still this dispatcher's, and then runs {@code consequence} in the
     * same transaction (only when this call is the one that marked it dead).
     */
    public Uni<Boolean> markDead(OutboxEntry entry, String error, Instant now,
            Function<SqlClient, Uni<Void>> consequence) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                UPDATE delivery_outbox SET state = 'dead', dead_at = $3, last_error = $4, lease_token = NULL
                WHERE id = $1 AND lease_token = $2 AND state = 'pending'
                """).execute(Tuple.of(entry.id(), entry.leaseToken(), utc(now), error))
                .map(rows -> rows.rowCount() == 1)
                .call(dead -> dead ? consequence.apply(tx) : Uni.createFrom().voidItem()));
    }

    /**
     * Hands claims back: each row that is still pending under the given claim is due again now, for any dispatcher;
     * one withdrawn meanwhile stops holding back its ordering key. The attempt that was started stays counted.
     * Returns how many were handed back.
     */
    public Uni<Integer> release(Collection<OutboxEntry> claims, Instant now) {
        UUID[] ids = claims.stream().map(OutboxEntry::id).toArray(UUID[]::new);
        UUID[] leases = claims.stream().map(OutboxEntry::leaseToken).toArray(UUID[]::new);
        return pool.preparedQuery("""
                UPDATE delivery_outbox o SET next_attempt_at = $3, lease_token = NULL
                FROM unnest($1::uuid[], $2::uuid[]) AS c (id, lease_token)
                WHERE o.id = c.id AND o.lease_token = c.lease_token AND o.state IN ('pending', 'withdrawn')
                """).execute(Tuple.of(ids, leases, utc(now))).map(rows -> rows.rowCount());
    }

    /** One page of dead letters, newest first. */
    public record DeadLetterPage(long total, List<DeadLetter> deadLetters) {
    }

    /** @param channel null for every channel; {@code destination} likewise */
    public Uni<DeadLetterPage> findDead(String channel, String destination, int limit) {
        String sql = """
                SELECT id, channel, destination, ordering_key, attempts, last_error, created_at, dead_at,
                       count(*) OVER () AS total
                FROM delivery_outbox
                WHERE state = 'dead' AND ($1::text IS NULL OR channel = $1) AND ($2::text IS NULL OR destination = $2)
                ORDER BY dead_at DESC, id
                LIMIT $3
                """;
        return pool.preparedQuery(sql).execute(Tuple.of(channel, destination, limit)).map(rows -> {
            List<DeadLetter> page = new ArrayList<>();
            long total = 0;
            for (Row row : rows) {
                total = row.getLong("total");
                page.add(new DeadLetter(row.getUUID("id"), row.getString("channel"), row.getString("destination"),
                        row.getString("ordering_key"), row.getInteger("attempts"), row.getString("last_error"),
                        instant(row, "created_at"), instant(row, "dead_at")));
            }
            return new DeadLetterPage(total, page);
        });
    }

    /** Locks a delivery for an operator action and says what state it is in; empty if there is no such delivery. */
    public Uni<Optional<LockedDelivery>> lockForOperator(SqlClient tx, UUID id) {
        return tx.preparedQuery("""
                SELECT id, channel, destination, ordering_key, attempts, last_error, created_at, dead_at, state
                FROM delivery_outbox WHERE id = $1 FOR UPDATE
                """).execute(Tuple.of(id)).map(rows -> {
            if (rows.size() == 0) {
                return Optional.empty();
            }
            Row row = rows.iterator().next();
            return Optional.of(new LockedDelivery(row.getString("state"), new DeadLetter(row.getUUID("id"),
                    row.getString("channel"), row.getString("destination"), row.getString("ordering_key"),
                    row.getInteger("attempts"), row.getString("last_error"), instant(row, "created_at"),
                    instant(row, "dead_at"))));
        });
    }

    /** A delivery as an operator action finds it. */
    public record LockedDelivery(String state, DeadLetter summary) {
    }

    /**
     * Puts a dead letter back in the queue, due now, with a fresh give-up clock and backoff. It keeps its id, so
     * the receiver can recognise a message it may already have had.
     */
    public Uni<Void> replay(SqlClient tx, UUID id, Instant now) {
        return tx.preparedQuery("""
                UPDATE delivery_outbox SET state = 'pending', attempts = 0, next_attempt_at = $2, pending_since = $2,
                                           dead_at = NULL, lease_token = NULL
                WHERE id = $1 AND state = 'dead'
                """).execute(Tuple.of(id, utc(now))).replaceWithVoid();
    }

    private static ClaimResult claimResult(RowSet<Row> rows) {
        List<OutboxEntry> claimed = new ArrayList<>(rows.size());
        Set<UUID> recorded = Set.of();
        Set<UUID> delivered = Set.of();
        for (Row row : rows) {
            recorded = ids(row, "recorded");
            delivered = ids(row, "delivered");
            if (row.getUUID("id") == null) {
                continue;
            }
            String url = row.getString("url");
            claimed.add(new OutboxEntry(row.getUUID("id"), row.getString("channel"), row.getString("destination"),
                    row.getString("ordering_key"), url == null ? null : URI.create(url), row.getString("content_type"),
                    row.getString("payload"), row.getInteger("attempts"), instant(row, "pending_since"),
                    row.getUUID("lease_token"), row.getString("correlation_id"), row.getString("trace_parent")));
        }
        return new ClaimResult(claimed, recorded, delivered);
    }

    private static Set<UUID> ids(Row row, String column) {
        UUID[] ids = row.getArrayOfUUIDs(column);
        return ids == null ? Set.of() : Set.of(ids);
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}

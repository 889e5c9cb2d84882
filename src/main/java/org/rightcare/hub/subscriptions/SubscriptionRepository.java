package org.rightcare.hub.subscriptions;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The {@code subscription} table. A subscription's status is read, not stored: off if its subscriber turned it off,
 * else what became of its latest handshake in the outbox (delivered: active; dead: error; otherwise requested).
 */
@ApplicationScoped
public class SubscriptionRepository {

    private static final String SELECT = """
            SELECT s.id, s.ods_code, s.topic, s.service_id, s.endpoint, s.heartbeat_period_seconds, s.fhir_base,
                   CASE WHEN s.requested_status = 'off' THEN 'off'
                        WHEN h.state = 'delivered' THEN 'active'
                        WHEN h.state = 'dead' THEN 'error'
                        ELSE 'requested' END AS status,
                   s.events_since_start, s.updated_at
            FROM subscription s LEFT JOIN delivery_outbox h ON h.id = s.handshake_id
            """;

    /** The channel every replica LISTENs on for a change of the subscriptions; the payload is the new version. */
    public static final String CHANGE_CHANNEL = "hub_subscriptions_changed";

    /** The topics with any subscription not turned off, at one version of the subscriptions. */
    public record Topics(long version, Set<SubscriptionTopic> requested) {
    }

    /** What a subscriber asked for, validated. */
    public record Draft(SubscriptionTopic topic, String serviceId, URI endpoint, Duration heartbeatPeriod,
            boolean off) {
    }

    public Uni<Void> insert(SqlClient tx, UUID id, String odsCode, Draft draft, URI fhirBase, UUID handshakeId,
            Instant now) {
        return tx.preparedQuery("""
                INSERT INTO subscription (id, ods_code, topic, service_id, endpoint, heartbeat_period_seconds,
                                          fhir_base, requested_status, handshake_id, last_notified_at, created_at,
                                          updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10)
                """).execute(Tuple.tuple().addUUID(id).addString(odsCode).addString(draft.topic().code())
                .addString(draft.serviceId()).addString(draft.endpoint().toString())
                .addInteger(seconds(draft.heartbeatPeriod())).addString(fhirBase.toString())
                .addString(draft.off() ? "off" : "requested").addUUID(handshakeId).addOffsetDateTime(utc(now)))
                .replaceWithVoid();
    }

    /** Replaces what the subscriber asked for; false when the organisation has no such subscription. */
    public Uni<Boolean> replace(SqlClient tx, UUID id, String odsCode, Draft draft, UUID handshakeId, Instant now) {
        return tx.preparedQuery("""
                UPDATE subscription SET topic = $3, service_id = $4, endpoint = $5, heartbeat_period_seconds = $6,
                                        requested_status = $7, handshake_id = COALESCE($8, handshake_id),
                                        last_notified_at = $9, updated_at = $9
                WHERE id = $1 AND ods_code = $2
                """).execute(Tuple.tuple().addUUID(id).addString(odsCode).addString(draft.topic().code())
                .addString(draft.serviceId()).addString(draft.endpoint().toString())
                .addInteger(seconds(draft.heartbeatPeriod())).addString(draft.off() ? "off" : "requested")
                .addUUID(handshakeId).addOffsetDateTime(utc(now)))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Boolean> delete(SqlClient tx, UUID id, String odsCode) {
        return tx.preparedQuery("DELETE FROM subscription WHERE id = $1 AND ods_code = $2")
                .execute(Tuple.of(id, odsCode)).map(rows -> rows.rowCount() == 1);
    }

    /** The organisation's subscription, locked against a concurrent change or notification when in a transaction. */
    public Uni<Optional<TopicSubscription>> find(SqlClient client, UUID id, String odsCode) {
        return client.preparedQuery(SELECT + " WHERE s.id = $1 AND s.ods_code = $2 FOR UPDATE OF s")
                .execute(Tuple.of(id, odsCode)).map(rows -> subscriptions(rows).stream().findFirst());
    }

    /** The organisation's subscriptions, least recently changed first; {@code statuses} empty for all. */
    public Uni<List<TopicSubscription>> findByOwner(SqlClient client, String odsCode,
            Collection<TopicSubscription.Status> statuses) {
        String[] codes = statuses.stream().map(TopicSubscription.Status::code).toArray(String[]::new);
        return client.preparedQuery("SELECT * FROM (" + SELECT + " WHERE s.ods_code = $1) AS owned "
                + "WHERE cardinality($2::text[]) = 0 OR status = ANY ($2) ORDER BY updated_at, id")
                .execute(Tuple.of(odsCode, codes)).map(SubscriptionRepository::subscriptions);
    }

    /** The active subscriptions to {@code topic}; of the organisation {@code odsCode} only, unless it is null. */
    public Uni<List<TopicSubscription>> active(SqlClient client, SubscriptionTopic topic, String odsCode) {
        return client.preparedQuery(SELECT + """
                WHERE s.topic = $1 AND ($2::text IS NULL OR s.ods_code = $2) AND s.requested_status = 'requested'
                  AND h.state = 'delivered'
                """).execute(Tuple.of(topic.code(), odsCode)).map(SubscriptionRepository::subscriptions);
    }

    /** The topics that have a subscription not turned off, with the version: read in one statement, so they agree. */
    public Uni<Topics> topics(SqlClient client) {
        return client.query("""
                SELECT st.version, ARRAY(SELECT DISTINCT topic FROM subscription WHERE requested_status = 'requested')
                       AS topics
                FROM subscription_state st""").execute().map(rows -> {
            Row row = rows.iterator().next();
            Set<SubscriptionTopic> requested = EnumSet.noneOf(SubscriptionTopic.class);
            for (String code : row.getArrayOfStrings("topics")) {
                SubscriptionTopic.fromCode(code).ifPresent(requested::add);
            }
            return new Topics(row.getLong("version"), requested);
        });
    }

    /**
     * Bumps the version and tells every replica, in the transaction of a change to the subscriptions. PostgreSQL
     * delivers the notification only when (and if) the transaction commits.
     */
    public Uni<Long> bumpVersion(SqlClient tx, Instant now) {
        return tx.preparedQuery("UPDATE subscription_state SET version = version + 1, updated_at = $1 RETURNING version")
                .execute(Tuple.of(utc(now)))
                .map(rows -> rows.iterator().next().getLong("version"))
                .call(version -> tx.preparedQuery("SELECT pg_notify($1, $2)")
                        .execute(Tuple.of(CHANGE_CHANNEL, Long.toString(version))));
    }

    /**
     * Numbers one more event for each subscription and returns its number, by subscription. The rows are locked in
     * id order, so concurrent events never deadlock, and each subscription's events are numbered in commit order.
     */
    public Uni<Map<UUID, Long>> countEvent(SqlClient tx, Collection<UUID> ids, Instant now) {
        UUID[] sorted = ids.stream().sorted().toArray(UUID[]::new);
        return tx.preparedQuery("SELECT id FROM subscription WHERE id = ANY ($1) ORDER BY id FOR UPDATE")
                .execute(Tuple.of(sorted))
                .chain(() -> tx.preparedQuery("""
                        UPDATE subscription SET events_since_start = events_since_start + 1, last_notified_at = $2
                        WHERE id = ANY ($1) RETURNING id, events_since_start
                        """).execute(Tuple.of(sorted, utc(now))))
                .map(rows -> {
                    Map<UUID, Long> numbers = new HashMap<>();
                    rows.forEach(row -> numbers.put(row.getUUID("id"), row.getLong("events_since_start")));
                    return numbers;
                });
    }

    /**
     * Active subscriptions whose heartbeat is due at {@code now} (a period since their latest notification) and
     * with nothing still waiting in their queue (a heartbeat behind an undelivered notification tells nobody
     * anything), locked for this sweep; marked as notified now.
     */
    public Uni<List<TopicSubscription>> claimDueHeartbeats(SqlClient tx, Instant now, int limit) {
        return tx.preparedQuery(SELECT + """
                WHERE s.requested_status = 'requested' AND h.state = 'delivered'
                  AND s.heartbeat_period_seconds IS NOT NULL
                  AND s.last_notified_at + make_interval(secs => s.heartbeat_period_seconds) <= $1
                  AND NOT EXISTS (SELECT 1 FROM delivery_outbox waiting
                                  WHERE waiting.channel = $3 AND waiting.ordering_key = 'subscription/' || s.id
                                    AND waiting.state = 'pending')
                ORDER BY s.last_notified_at
                LIMIT $2
                FOR UPDATE OF s SKIP LOCKED
                """).execute(Tuple.of(utc(now), limit, SubscriptionChannel.NAME))
                .map(SubscriptionRepository::subscriptions)
                .call(due -> due.isEmpty() ? Uni.createFrom().voidItem()
                        : tx.preparedQuery("UPDATE subscription SET last_notified_at = $2 WHERE id = ANY ($1)")
                                .execute(Tuple.of(due.stream().map(TopicSubscription::id).toArray(UUID[]::new),
                                        utc(now)))
                                .replaceWithVoid());
    }

    private static List<TopicSubscription> subscriptions(RowSet<Row> rows) {
        List<TopicSubscription> found = new ArrayList<>(rows.size());
        for (Row row : rows) {
            Integer heartbeat = row.getInteger("heartbeat_period_seconds");
            found.add(new TopicSubscription(row.getUUID("id"), row.getString("ods_code"),
                    SubscriptionTopic.fromCode(row.getString("topic")).orElseThrow(), row.getString("service_id"),
                    URI.create(row.getString("endpoint")), heartbeat == null ? null : Duration.ofSeconds(heartbeat),
                    URI.create(row.getString("fhir_base")),
                    TopicSubscription.Status.fromCode(row.getString("status")).orElseThrow(),
                    row.getLong("events_since_start"), row.getOffsetDateTime("updated_at").toInstant()));
        }
        return found;
    }

    private static Integer seconds(Duration period) {
        return period == null ? null : Math.toIntExact(period.toSeconds());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}

package org.rightcare.hub.delivery;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.arc.All;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Operators pausing and resuming delivery to one destination (a receiver that asked for a break, or one being
 * migrated). The pause is a row in {@code paused_destination}, so every replica's dispatcher honours it from its next
 * claim; the destination's rows stay pending, keep their order and show in the queue gauges, and go out once it is
 * resumed. Each change is recorded with who made it, in the same transaction.
 */
@ApplicationScoped
public class DestinationPauses {

    private static final Logger LOG = Logger.getLogger(DestinationPauses.class);

    static final String PAUSE = "destination.pause";
    static final String RESUME = "destination.resume";
    static final String TARGET_TYPE = "destination";

    /** A paused destination: who paused it, when and why. */
    public record Pause(String destination, String pausedBy, Instant pausedAt, String reason) {
    }

    /** A destination as operators see it: its backlog and whether it is paused. */
    public record DestinationState(String destination, long pending, long dead, Instant oldestPendingSince,
            Pause pause) {
    }

    /** What a pause or resume request came to. */
    public sealed interface Change {
    }

    /** Done now ({@code changed}), or it already was so (nothing recorded). */
    public record Applied(Pause pause, boolean changed) implements Change {
    }

    /** No channel serves the destination and the outbox has never held a row for it. */
    public record UnknownDestination() implements Change {
    }

    /** A resume for a destination that is not paused. */
    public record NotPaused() implements Change {
    }

    private final Pool pool;
    private final List<DeliveryChannel> channels;
    private final OperatorActionLog actions;
    private final OutboxDispatcher dispatcher;
    private final Clock clock;

    public DestinationPauses(Pool pool, @All List<DeliveryChannel> channels, OperatorActionLog actions,
            OutboxDispatcher dispatcher, Clock clock) {
        this.pool = pool;
        this.channels = channels;
        this.actions = actions;
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    /** Every destination that is paused or has deliveries waiting or dead, by name. */
    public Uni<List<DestinationState>> destinations() {
        return pool.query("""
                SELECT d.destination, count(o.id) FILTER (WHERE o.state = 'pending') AS pending,
                       count(o.id) FILTER (WHERE o.state = 'dead') AS dead,
                       min(o.pending_since) FILTER (WHERE o.state = 'pending') AS oldest,
                       p.paused_by, p.paused_at, p.reason
                FROM (SELECT destination FROM delivery_outbox WHERE state IN ('pending', 'dead')
                      UNION SELECT destination FROM paused_destination) d
                LEFT JOIN paused_destination p ON p.destination = d.destination
                LEFT JOIN delivery_outbox o ON o.destination = d.destination AND o.state IN ('pending', 'dead')
                GROUP BY d.destination, p.paused_by, p.paused_at, p.reason
                ORDER BY d.destination
                """).execute().map(rows -> {
            List<DestinationState> states = new ArrayList<>();
            for (Row row : rows) {
                String destination = row.getString("destination");
                Pause pause = row.getString("paused_by") == null ? null : pauseOf(destination, row);
                states.add(new DestinationState(destination, row.getLong("pending"), row.getLong("dead"),
                        instant(row.getOffsetDateTime("oldest")), pause));
            }
            return states;
        });
    }

    public Uni<Change> pause(String destination, String reason, String actor) {
        Instant now = clock.instant();
        return pool.withTransaction(tx -> isKnown(tx, destination).chain(known -> {
            if (!known) {
                return Uni.createFrom().item((Change) new UnknownDestination());
            }
            return tx.preparedQuery("""
                    INSERT INTO paused_destination (destination, paused_by, paused_at, reason) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (destination) DO NOTHING
                    """).execute(Tuple.of(destination, actor, utc(now), reason)).chain(inserted -> {
                if (inserted.rowCount() == 0) {
                    return find(tx, destination).map(existing -> (Change) new Applied(existing.orElseThrow(), false));
                }
                Pause pause = new Pause(destination, actor, now, reason);
                return actions.record(tx, new OperatorAction(actor, PAUSE, TARGET_TYPE, destination,
                        Map.of("reason", reason))).replaceWith((Change) new Applied(pause, true));
            });
        })).invoke(change -> {
            if (change instanceof Applied applied && applied.changed()) {
                LOG.infof("%s paused delivery to %s: %s", actor, destination, reason);
            }
        });
    }

    public Uni<Change> resume(String destination, String actor) {
        Instant now = clock.instant();
        return pool.withTransaction(tx -> tx.preparedQuery("""
                DELETE FROM paused_destination WHERE destination = $1 RETURNING paused_by, paused_at, reason
                """).execute(Tuple.of(destination)).chain(deleted -> {
            if (deleted.rowCount() == 0) {
                return isKnown(tx, destination).map(known -> known ? (Change) new NotPaused()
                        : (Change) new UnknownDestination());
            }
            Pause was = pauseOf(destination, deleted.iterator().next());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("pausedBy", was.pausedBy());
            details.put("pausedAt", was.pausedAt().toString());
            details.put("reason", was.reason());
            return actions.record(tx, new OperatorAction(actor, RESUME, TARGET_TYPE, destination, details))
                    .replaceWith((Change) new Applied(was, true));
        })).invoke(change -> {
            if (change instanceof Applied) {
                LOG.infof("%s resumed delivery to %s", actor, destination);
                // Its backlog is due now: send it without waiting for the next poll.
                dispatcher.wake();
            }
        });
    }

    private Uni<Boolean> isKnown(SqlClient tx, String destination) {
        if (channels.stream().anyMatch(channel -> channel.serves(destination))) {
            return Uni.createFrom().item(true);
        }
        return tx.preparedQuery("""
                SELECT EXISTS (SELECT 1 FROM delivery_outbox WHERE destination = $1)
                    OR EXISTS (SELECT 1 FROM paused_destination WHERE destination = $1) AS known
                """).execute(Tuple.of(destination)).map(rows -> rows.iterator().next().getBoolean("known"));
    }

    private Uni<Optional<Pause>> find(SqlClient tx, String destination) {
        return tx.preparedQuery("SELECT paused_by, paused_at, reason FROM paused_destination WHERE destination = $1")
                .execute(Tuple.of(destination)).map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(pauseOf(destination, rows.iterator().next())));
    }

    private static Pause pauseOf(String destination, Row row) {
        return new Pause(destination, row.getString("paused_by"), instant(row.getOffsetDateTime("paused_at")),
                row.getString("reason"));
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}

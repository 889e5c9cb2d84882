package org.rightcare.hub.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/** Operators' handling of dead letters: list them, and put one back in the queue. Every change is recorded. */
@ApplicationScoped
public class DeadLetterService {

    private static final Logger LOG = Logger.getLogger(DeadLetterService.class);

    static final String REPLAY = "dead-letter.replay";

    /** What a replay request came to. */
    public sealed interface ReplayOutcome {
    }

    /** Back in the queue, due at {@code nextAttemptAt}. */
    public record Replayed(UUID id, String state, Instant nextAttemptAt) implements ReplayOutcome {
    }

    public record UnknownDelivery() implements ReplayOutcome {
    }

    /** Only dead letters can be replayed; this one is pending, delivered, or withdrawn (no longer wanted). */
    public record NotDead(String state) implements ReplayOutcome {
    }

    private final Pool pool;
    private final OutboxRepository outbox;
    private final OperatorActionLog actions;
    private final OutboxDispatcher dispatcher;
    private final Clock clock;

    public DeadLetterService(Pool pool, OutboxRepository outbox, OperatorActionLog actions, OutboxDispatcher dispatcher,
            Clock clock) {
        this.pool = pool;
        this.outbox = outbox;
        this.actions = actions;
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    public Uni<OutboxRepository.DeadLetterPage> list(String channel, String destination, int limit) {
        return outbox.findDead(channel, destination, limit);
    }

    /** Moves a dead letter back to pending, due now, and records who did it, in one transaction. */
    public Uni<ReplayOutcome> replay(UUID id, String actor) {
        Instant now = clock.instant();
        return pool.withTransaction(tx -> outbox.lockForOperator(tx, id).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item((ReplayOutcome) new UnknownDelivery());
            }
            if (!OutboxRepository.DEAD.equals(found.get().state())) {
                return Uni.createFrom().item((ReplayOutcome) new NotDead(found.get().state()));
            }
            DeadLetter letter = found.get().summary();
            return outbox.replay(tx, id, now)
                    .chain(() -> actions.record(tx, new OperatorAction(actor, REPLAY, "delivery", id.toString(),
                            details(letter))))
                    .replaceWith((ReplayOutcome) new Replayed(id, OutboxRepository.PENDING, now));
        })).invoke(outcome -> {
            if (outcome instanceof Replayed) {
                LOG.infof("%s replayed dead letter %s", actor, id);
                dispatcher.wake();
            }
        });
    }

    /** The dead letter as it was, for the record: where it was going and why it died, no payload. */
    private static Map<String, Object> details(DeadLetter letter) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("channel", letter.channel());
        details.put("destination", letter.destination());
        details.put("orderingKey", letter.orderingKey());
        details.put("attempts", letter.attempts());
        details.put("lastError", letter.lastError());
        details.put("deadAt", letter.deadAt().toString());
        return details;
    }
}

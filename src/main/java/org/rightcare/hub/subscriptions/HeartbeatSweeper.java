package org.rightcare.hub.subscriptions;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.rightcare.hub.support.DatabaseOutage;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Queues heartbeats for active subscriptions that have heard nothing for their heartbeat period. Subscriptions are
 * claimed with {@code FOR UPDATE SKIP LOCKED}, so every replica may sweep and each heartbeat is queued once.
 */
@ApplicationScoped
public class HeartbeatSweeper {

    private static final Logger LOG = Logger.getLogger(HeartbeatSweeper.class);
    private static final int BATCH = 100;

    private final Pool pool;
    private final SubscriptionRepository subscriptions;
    private final SubscriptionNotifications notifications;
    private final Clock clock;

    public HeartbeatSweeper(Pool pool, SubscriptionRepository subscriptions, SubscriptionNotifications notifications,
            Clock clock) {
        this.pool = pool;
        this.subscriptions = subscriptions;
        this.notifications = notifications;
        this.clock = clock;
    }

    @Scheduled(every = "${hub.subscriptions.heartbeat-sweep-interval:PT10S}", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweepOnSchedule() {
        return sweep(clock.instant()).onFailure().recoverWithItem(failure -> {
            if (DatabaseOutage.noteIfOutage(failure, "subscription heartbeat sweep")) {
                return 0;
            }
            LOG.warnf("Could not queue subscription heartbeats (retrying on the next sweep): %s", failure.toString());
            return 0;
        }).replaceWithVoid();
    }

    /** Queues the heartbeats due at {@code now}, up to a batch; returns how many. */
    public Uni<Integer> sweep(Instant now) {
        return pool.withTransaction(tx -> subscriptions.claimDueHeartbeats(tx, now, BATCH)
                .chain(due -> Multi.createFrom().iterable(due)
                        .onItem().transformToUniAndConcatenate(subscription -> notifications.heartbeat(tx,
                                subscription, now))
                        .collect().asList().replaceWith(due.size())));
    }
}

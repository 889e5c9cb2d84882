package org.rightcare.hub.subscriptions;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.delivery.DeliveryOutbox;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * A provider organisation's subscriptions: each change is one transaction, and a subscription that asks to be
 * notified gets its handshake queued in it. It stays requested until its endpoint has accepted the handshake
 * (then active), or the outbox gives up on it (then error, until an operator replays the handshake or the
 * subscriber updates the subscription).
 */
@ApplicationScoped
public class SubscriptionService {

    private final Pool pool;
    private final SubscriptionRepository subscriptions;
    private final SubscriptionNotifications notifications;
    private final DeliveryOutbox outbox;
    private final SubscribedTopics topics;
    private final Clock clock;

    public SubscriptionService(Pool pool, SubscriptionRepository subscriptions,
            SubscriptionNotifications notifications, DeliveryOutbox outbox, SubscribedTopics topics, Clock clock) {
        this.pool = pool;
        this.outbox = outbox;
        this.topics = topics;
        this.subscriptions = subscriptions;
        this.notifications = notifications;
        this.clock = clock;
    }

    public Uni<TopicSubscription> create(String odsCode, SubscriptionRepository.Draft draft, URI fhirBase) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        TopicSubscription created = asHeld(id, odsCode, draft, fhirBase, 0, now);
        return pool.withTransaction(tx -> handshakeUnlessOff(tx, created, now)
                .chain(handshake -> subscriptions.insert(tx, id, odsCode, draft, fhirBase, handshake, now))
                .call(() -> changed(tx, now))
                .chain(() -> subscriptions.find(tx, id, odsCode)).map(Optional::orElseThrow))
                .call(topics::changeCommitted);
    }

    /** Empty when the organisation has no such subscription. */
    public Uni<Optional<TopicSubscription>> replace(UUID id, String odsCode, SubscriptionRepository.Draft draft) {
        Instant now = clock.instant();
        return pool.withTransaction(tx -> subscriptions.find(tx, id, odsCode).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Optional.<TopicSubscription> empty());
            }
            TopicSubscription replaced = asHeld(id, odsCode, draft, found.get().fhirBase(),
                    found.get().eventsSinceStart(), now);
            return handshakeUnlessOff(tx, replaced, now)
                    .chain(handshake -> subscriptions.replace(tx, id, odsCode, draft, handshake, now))
                    .call(() -> changed(tx, now))
                    .chain(() -> subscriptions.find(tx, id, odsCode));
        })).call(topics::changeCommitted);
    }

    /** Deletes it, and withdraws the notifications still queued for it: the subscriber asked for no more. */
    public Uni<Boolean> delete(UUID id, String odsCode) {
        return pool.withTransaction(tx -> subscriptions.find(tx, id, odsCode).chain(found -> found.isEmpty()
                ? Uni.createFrom().item(false)
                : outbox.withdrawAll(tx, SubscriptionChannel.NAME, found.get().queue())
                        .chain(() -> subscriptions.delete(tx, id, odsCode))
                        .call(() -> changed(tx, clock.instant()))))
                .call(topics::changeCommitted);
    }

    /**
     * Every replica's copy of which topics have subscriptions ({@link SubscribedTopics}) must catch up with this
     * change: the others hear of it when it commits, and this one reloads then ({@link SubscribedTopics#changeCommitted}).
     */
    private Uni<Long> changed(SqlClient tx, Instant now) {
        return subscriptions.bumpVersion(tx, now);
    }

    public Uni<Optional<TopicSubscription>> find(UUID id, String odsCode) {
        return subscriptions.find(pool, id, odsCode);
    }

    public Uni<List<TopicSubscription>> list(String odsCode, Collection<TopicSubscription.Status> statuses) {
        return subscriptions.findByOwner(pool, odsCode, statuses);
    }

    /** A new handshake (the subscription starts again from requested), or none when it is off. */
    private Uni<UUID> handshakeUnlessOff(SqlClient tx, TopicSubscription subscription, Instant now) {
        return subscription.status() == TopicSubscription.Status.OFF ? Uni.createFrom().nullItem()
                : notifications.handshake(tx, subscription, now);
    }

    private static TopicSubscription asHeld(UUID id, String odsCode, SubscriptionRepository.Draft draft, URI fhirBase,
            long eventsSinceStart, Instant now) {
        return new TopicSubscription(id, odsCode, draft.topic(), draft.serviceId(), draft.endpoint(),
                draft.heartbeatPeriod(), fhirBase,
                draft.off() ? TopicSubscription.Status.OFF : TopicSubscription.Status.REQUESTED, eventsSinceStart, now);
    }
}

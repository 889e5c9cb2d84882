package org.rightcare.hub.subscriptions;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.cascade.ReferralChange;
import org.rightcare.hub.cascade.ReferralListener;
import org.rightcare.hub.delivery.DeliveryOutbox;
import org.rightcare.hub.delivery.NewDelivery;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.SendBackReason;
import org.rightcare.hub.stack.ClinicalStack;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Queues subscription notifications in the delivery outbox, in the caller's transaction: an event is notified if
 * and only if it commits, numbered in commit order per subscription. Only active subscriptions (handshake
 * delivered) hear of events. As a {@link ReferralListener}, it hears of every step of the cascade: a new offer is an
 * {@code offer} event, and a step that takes a case onto or off the clinical stack a {@code stack} event.
 */
@ApplicationScoped
@Priority(ReferralListener.SUBSCRIBERS)
public class SubscriptionNotifications implements ReferralListener {

    private final SubscriptionRepository subscriptions;
    private final NotificationBundles bundles;
    private final DeliveryOutbox outbox;
    private final ClinicalStack stack;
    private final SubscribedTopics topics;

    public SubscriptionNotifications(SubscriptionRepository subscriptions, NotificationBundles bundles,
            DeliveryOutbox outbox, ClinicalStack stack, SubscribedTopics topics) {
        this.topics = topics;
        this.subscriptions = subscriptions;
        this.bundles = bundles;
        this.outbox = outbox;
        this.stack = stack;
    }

    /**
     * A case was offered to {@code service}: its organisation's {@code offer} subscriptions hear of the Task. A new
     * case is on the stack from its first routing (not from its arrival, when it may go straight back).
     */
    @Override
    public Uni<Void> offerMade(SqlClient tx, ReferralChange change, Offer offer, CommunityService service) {
        return active(tx, SubscriptionTopic.OFFER, offer.odsCode())
                .map(all -> all.stream().filter(coveringService(Set.of(service.id()))).toList())
                .chain(subscribers -> notify(tx, subscribers, change.after(), "Task/" + offer.id(), change.at()))
                .chain(() -> stackChanged(tx, change.firstRouting() ? null : change.before(), change.after(),
                        change.at()));
    }

    @Override
    public Uni<Void> accepted(SqlClient tx, ReferralChange change, Offer offer, Optional<CommunityService> service) {
        return stackChanged(tx, change.before(), change.after(), change.at());
    }

    /** A case is off the stack once accepted, so its completion changes no one's stack. */
    @Override
    public Uni<Void> completed(SqlClient tx, ReferralChange change, Offer offer, Optional<CommunityService> service) {
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> sentBack(SqlClient tx, ReferralChange change, SendBackReason reason) {
        return stackChanged(tx, change.before(), change.after(), change.at());
    }

    @Override
    public Uni<Void> cancelled(SqlClient tx, ReferralChange change) {
        return stackChanged(tx, change.before(), change.after(), change.at());
    }

    /**
     * The clinical picture of a case the organisation holds changed: its {@code offer} subscriptions hear of the Task
     * again, and read the new picture through the API.
     */
    @Override
    public Uni<Void> pictureChanged(SqlClient tx, ReferralChange change, Offer holding, CommunityService service) {
        return active(tx, SubscriptionTopic.OFFER, holding.odsCode())
                .map(all -> all.stream().filter(coveringService(Set.of(service.id()))).toList())
                .chain(subscribers -> notify(tx, subscribers, change.after(), "Task/" + holding.id(), change.at()));
    }

    /**
     * The referral changed from {@code before} to {@code after} (null before: it is new). If that took it onto or off
     * the clinical stack, each organisation whose services are eligible for it (the stack's own rule) hears of the
     * ServiceRequest on its {@code stack} subscriptions.
     */
    private Uni<Void> stackChanged(SqlClient tx, Referral before, Referral after, Instant now) {
        boolean wasOnStack = before != null && ClinicalStack.isOnStack(before);
        if (wasOnStack == ClinicalStack.isOnStack(after)) {
            return Uni.createFrom().voidItem();
        }
        return active(tx, SubscriptionTopic.STACK, null)
                .map(all -> all.stream().filter(subscription -> coveringService(eligibleServices(subscription, after,
                        now)).test(subscription)).toList())
                .chain(subscribers -> notify(tx, subscribers, after, "ServiceRequest/" + after.id(), now));
    }

    /**
     * The active subscriptions to {@code topic} (of {@code odsCode} only, unless null): asked of the database only when
     * this replica knows of a subscription to the topic that is not off.
     */
    private Uni<List<TopicSubscription>> active(SqlClient tx, SubscriptionTopic topic, String odsCode) {
        return topics.mayHaveSubscribers(topic) ? subscriptions.active(tx, topic, odsCode)
                : Uni.createFrom().item(List.of());
    }

    /** The handshake that activates a subscription; returns the outbox row's id, which the subscription records. */
    Uni<UUID> handshake(SqlClient tx, TopicSubscription subscription, Instant now) {
        UUID id = UUID.randomUUID();
        return outbox.enqueue(tx, delivery(id, subscription, null,
                bundles.withoutEvent(subscription, NotificationBundles.Type.HANDSHAKE, now))).replaceWith(id);
    }

    Uni<Void> heartbeat(SqlClient tx, TopicSubscription subscription, Instant now) {
        return outbox.enqueue(tx, delivery(UUID.randomUUID(), subscription, null,
                bundles.withoutEvent(subscription, NotificationBundles.Type.HEARTBEAT, now)));
    }

    private Set<String> eligibleServices(TopicSubscription subscription, Referral referral, Instant now) {
        return stack.eligibleServices(subscription.odsCode(), referral, now).stream().map(CommunityService::id)
                .collect(Collectors.toSet());
    }

    /** Whether one of {@code services} is the subscription's (its filter's service, or any of its organisation's). */
    private static Predicate<TopicSubscription> coveringService(Set<String> services) {
        return subscription -> subscription.serviceId() == null ? !services.isEmpty()
                : services.contains(subscription.serviceId());
    }

    private Uni<Void> notify(SqlClient tx, List<TopicSubscription> subscribers, Referral referral, String focus,
            Instant now) {
        if (subscribers.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return subscriptions.countEvent(tx, subscribers.stream().map(TopicSubscription::id).toList(), now)
                .chain(numbers -> Multi.createFrom().iterable(subscribers)
                        .onItem().transformToUniAndConcatenate(subscription -> {
                            long number = numbers.get(subscription.id());
                            return outbox.enqueue(tx, delivery(UUID.randomUUID(), subscription, referral,
                                    bundles.event(subscription, number, focus, now)));
                        })
                        .collect().last().replaceWithVoid());
    }

    private static NewDelivery delivery(UUID id, TopicSubscription subscription, Referral referral, String bundle) {
        return new NewDelivery(id, SubscriptionChannel.NAME, subscription.queue(), subscription.queue(),
                referral == null ? null : referral.id(), subscription.endpoint(), null,
                NotificationBundles.CONTENT_TYPE, bundle);
    }
}

package org.rightcare.hub.subscriptions;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.rightcare.hub.support.DatabaseOutage;
import org.rightcare.hub.support.ListenConnections;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Which topics have any subscription not turned off, held in memory so that a step of the cascade asks the database
 * for a topic's active subscriptions only when there can be any (most steps of most hubs have none to tell). Kept
 * as the directory keeps its copy: the version row {@code subscription_state} is bumped in the transaction of every
 * change, and this copy is reloaded at once on the replica that made it, within moments on the others through
 * {@code LISTEN}/{@code NOTIFY}, and at worst after {@code hub.subscriptions.refresh-interval}. Until its first load,
 * and while it reloads after a change made here, every topic may have subscribers.
 *
 * <p>
 * A subscription is active only once its handshake has been delivered, which the outbox does after the change has
 * committed: the other replicas hear of the change while that handshake is on its way, not after it.
 */
@ApplicationScoped
public class SubscribedTopics {

    private static final Logger LOG = Logger.getLogger(SubscribedTopics.class);

    private final Pool pool;
    private final SubscriptionRepository repository;
    private final SubscriptionsConfig config;
    private final ListenConnections listenConnections;

    private volatile SubscriptionRepository.Topics copy = new SubscriptionRepository.Topics(-1, Set.of());
    /** Reloads after a change committed here still under way: until they end the copy is not trusted. */
    private final AtomicInteger catchingUp = new AtomicInteger();

    public SubscribedTopics(Pool pool, SubscriptionRepository repository, SubscriptionsConfig config,
            ListenConnections listenConnections) {
        this.pool = pool;
        this.repository = repository;
        this.config = config;
        this.listenConnections = listenConnections;
    }

    /** Whether a subscription to {@code topic} may be active: false only when none to it exists that is not off. */
    public boolean mayHaveSubscribers(SubscriptionTopic topic) {
        SubscriptionRepository.Topics now = copy;
        return now.version() < 0 || catchingUp.get() > 0 || now.requested().contains(topic);
    }

    /** The version of the subscriptions this copy was read at; -1 before the first load. */
    long version() {
        return copy.version();
    }

    /** Loads the topics, then follows changes; a failure to load or LISTEN is not fatal (every topic is asked for). */
    void start(@Observes StartupEvent started) {
        listenConnections.follow(SubscriptionRepository.CHANGE_CHANNEL, config.refreshInterval(),
                "subscriptions refresh", this::refresh);
        // The first load: until it lands every topic may have subscribers.
        ListenConnections.refreshInBackground("subscriptions refresh", this::refresh, "start");
    }

    /** Reloads the copy if the database holds a newer version. */
    Uni<Void> refresh() {
        return repository.topics(pool).invoke(this::replace).replaceWithVoid();
    }

    /**
     * A change to the subscriptions committed on this replica: every topic may have subscribers here until the copy
     * has reloaded. The change stands whether or not the reload succeeds (the periodic check then converges).
     */
    Uni<Void> changeCommitted() {
        catchingUp.incrementAndGet();
        return refresh().onFailure().recoverWithUni(failure -> {
            if (!DatabaseOutage.noteIfOutage(failure, "subscriptions refresh")) {
                LOG.warnf("Subscriptions refresh after a local change failed: %s", failure.toString());
            }
            return Uni.createFrom().voidItem();
        }).eventually(catchingUp::decrementAndGet);
    }

    private synchronized void replace(SubscriptionRepository.Topics topics) {
        // Reloads can finish out of order; the copy never goes back to an older version.
        if (topics.version() > copy.version()) {
            copy = new SubscriptionRepository.Topics(topics.version(), Set.copyOf(topics.requested()));
            LOG.debugf("Subscriptions version %d: topics subscribed %s", topics.version(), topics.requested());
        }
    }
}

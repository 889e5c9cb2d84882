package org.rightcare.hub.support;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgChannel;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;

/**
 * The one PostgreSQL connection on which a replica {@code LISTEN}s for what other replicas announce (a directory
 * change, a subscription change, a routing policy reload). It is outside the pool, to the pool's database, opened
 * once every listener has named its channel at start, and reopened after a fixed delay when it drops; each channel's
 * subscribe handler runs again then, so listeners can catch up on what they missed.
 */
@ApplicationScoped
public class ListenConnections {

    private static final Logger LOG = Logger.getLogger(ListenConnections.class);
    private static final long RECONNECT_DELAY_MS = 2000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private final PgSubscriber subscriber;
    private final Vertx vertx;
    /** The periodic checks of {@link #follow}, cancelled when the hub stops. */
    private final List<Long> periodicChecks = new CopyOnWriteArrayList<>();

    public ListenConnections(Vertx vertx, @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        PgConnectOptions options = PgConnectOptions.fromUri(url.replaceFirst("^vertx-reactive:", ""));
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        this.subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(attempt -> RECONNECT_DELAY_MS);
        this.vertx = vertx;
    }

    /** A channel on the shared connection: set its handlers in a start-up observer; it is listened to from then on. */
    public PgChannel channel(String name) {
        return subscriber.channel(name);
    }

    /**
     * Keeps a replica's in-memory copy of something any replica may change (the directory, the subscribed topics)
     * following the database: {@code refresh} runs when the channel is (re)subscribed, so whatever was committed while
     * the connection was down is picked up, on every notification on it, and every {@code interval} in case a
     * notification was lost. Call it from a start-up observer, like {@link #channel}. A refresh that fails is noted
     * (once per outage, as {@link DatabaseOutage} notes them) and left to the next one: {@code what} names it there.
     */
    public void follow(String channel, Duration interval, String what, Supplier<Uni<Void>> refresh) {
        channel(channel)
                .subscribeHandler(() -> refreshInBackground(what, refresh, "LISTEN started"))
                .handler(version -> refreshInBackground(what, refresh, "change notification for version " + version));
        periodicChecks.add(vertx.setPeriodic(interval.toMillis(),
                id -> refreshInBackground(what, refresh, "periodic check")));
    }

    /** Runs {@code refresh} without waiting for it; a failure is noted as {@link #follow} notes it. */
    public static void refreshInBackground(String what, Supplier<Uni<Void>> refresh, String why) {
        refresh.get().subscribe().with(ignored -> {
        }, failure -> {
            if (!DatabaseOutage.noteIfOutage(failure, what)) {
                LOG.warnf("%s after %s failed: %s", what, why, failure.toString());
            }
        });
    }

    /** After every other start-up observer, so every channel is named before the connection opens. */
    void connect(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER + 500) StartupEvent started) {
        subscriber.connect().subscribe().with(
                connected -> LOG.debug("Listening for other replicas' announcements"),
                failure -> LOG.warnf("Cannot LISTEN for other replicas' announcements (%s): the directory and the subscribed "
                        + "topics still converge through their periodic checks; a policy reload reaches only the "
                        + "replica asked",
                        failure.toString()));
    }

    /**
     * Closed, and waited for, while Vert.x still runs: a close left to finish later would find the event loop gone and
     * log an error on every shutdown.
     */
    void close(@Observes ShutdownEvent stopping) {
        periodicChecks.forEach(vertx::cancelTimer);
        try {
            subscriber.close().await().atMost(CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.debugf("The LISTEN connection did not close cleanly: %s", e.toString());
        }
    }
}

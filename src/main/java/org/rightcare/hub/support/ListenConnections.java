package org.rightcare.hub.support;

import java.time.Duration;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgChannel;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;

/**
 * The one PostgreSQL connection on which a replica {@code LISTEN}s for what other replicas announce (a directory
 * change, a routing policy reload). It is outside the pool, to the pool's database, opened once every listener has
 * named its channel at start, and reopened after a fixed delay when it drops; each channel's subscribe handler runs
 * again then, so listeners can catch up on what they missed.
 */
@ApplicationScoped
public class ListenConnections {

    private static final Logger LOG = Logger.getLogger(ListenConnections.class);
    private static final long RECONNECT_DELAY_MS = 2000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private final PgSubscriber subscriber;

    public ListenConnections(Vertx vertx, @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        PgConnectOptions options = PgConnectOptions.fromUri(url.replaceFirst("^vertx-reactive:", ""));
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        this.subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(attempt -> RECONNECT_DELAY_MS);
    }

    /** A channel on the shared connection: set its handlers in a start-up observer; it is listened to from then on. */
    public PgChannel channel(String name) {
        return subscriber.channel(name);
    }

    /** After every other start-up observer, so every channel is named before the connection opens. */
    void connect(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER + 500) StartupEvent started) {
        subscriber.connect().subscribe().with(
                connected -> LOG.debug("Listening for other replicas' announcements"),
                failure -> LOG.warnf("Cannot LISTEN for other replicas' announcements (%s): the directory still "
                        + "converges through its periodic check; a policy reload reaches only the replica asked",
                        failure.toString()));
    }

    /**
     * Closed, and waited for, while Vert.x still runs: a close left to finish later would find the event loop gone and
     * log an error on every shutdown.
     */
    void close(@Observes ShutdownEvent stopping) {
        try {
            subscriber.close().await().atMost(CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.debugf("The LISTEN connection did not close cleanly: %s", e.toString());
        }
    }
}

package org.rightcare.hub.support;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;

/**
 * Connections for PostgreSQL {@code LISTEN}, by which replicas tell each other to reload what they hold in memory
 * (the directory, the routing policy). Each LISTEN holds a connection of its own, outside the pool, to the same
 * database as the pool, and reconnects after a fixed delay when it drops.
 */
@ApplicationScoped
public class ListenConnections {

    private static final long RECONNECT_DELAY_MS = 2000;

    private final Vertx vertx;
    private final PgConnectOptions options;

    public ListenConnections(Vertx vertx, @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.options = PgConnectOptions.fromUri(url.replaceFirst("^vertx-reactive:", ""));
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
    }

    /** A subscriber not yet connected: name its channels, then connect it. */
    public PgSubscriber subscriber() {
        return PgSubscriber.subscriber(vertx, new PgConnectOptions(options)).reconnectPolicy(attempt -> RECONNECT_DELAY_MS);
    }
}

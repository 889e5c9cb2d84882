package org.rightcare.hub.delivery;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Singleton;

import org.rightcare.hub.testing.TestDatabase;

import io.vertx.mutiny.core.Vertx;

/**
 * Dispatchers built from the hub's beans, as another replica's would be, serving a test channel of their own that the
 * hub's dispatcher does not: the test decides who claims what, and when. Each posts a row's payload to its URL.
 */
@Singleton
class TestReplicas {

    private final OutboxRepository repository;
    private final HttpDeliveryClient http;
    private final DeliveryConfig config;
    private final Clock clock;
    private final Vertx vertx;
    private final DeliveryTracing tracing;

    TestReplicas(OutboxRepository repository, HttpDeliveryClient http, DeliveryConfig config, Clock clock, Vertx vertx,
            DeliveryTracing tracing) {
        this.repository = repository;
        this.http = http;
        this.config = config;
        this.clock = clock;
        this.vertx = vertx;
        this.tracing = tracing;
    }

    /** A replica with the hub's delivery settings. */
    OutboxDispatcher replica(String channel) {
        return replica(channel, config);
    }

    /** A replica with the hub's delivery settings but for its claim interval. */
    OutboxDispatcher replica(String channel, Duration claimInterval) {
        return replica(channel, new WithClaimInterval(config, claimInterval));
    }

    private OutboxDispatcher replica(String channel, DeliveryConfig settings) {
        DeliveryChannel posting = new DeliveryChannel() {
            @Override
            public String name() {
                return channel;
            }

            @Override
            public DeliveryRequest requestFor(OutboxEntry entry) {
                return new DeliveryRequest(URI.create(entry.url().toString()), entry.contentType(),
                        entry.payload().getBytes(StandardCharsets.UTF_8), Map.of());
            }
        };
        return new OutboxDispatcher(repository, http, List.of(posting), settings, clock, vertx, tracing,
                new DestinationHealth(settings));
    }

    /**
     * A delivery on {@code channel}, due now, to the destination {@code marker} (which its payload carries, for
     * {@link org.rightcare.hub.testing.CallbackReceiver} to file it under).
     */
    static UUID queue(String channel, String marker, String orderingKey, String url) {
        UUID id = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        TestDatabase.execute("""
                INSERT INTO delivery_outbox (id, channel, destination, ordering_key, url, content_type, payload, state,
                                             next_attempt_at, created_at, pending_since)
                VALUES (?, ?, ?, ?, ?, 'application/json', ?, 'pending', ?, ?, ?)""",
                id, channel, marker, orderingKey, url, "{\"marker\":\"" + marker + "\"}", now, now, now);
        return id;
    }

    /** The hub's delivery settings, but for the claim interval. */
    private record WithClaimInterval(DeliveryConfig hub, Duration claimInterval) implements DeliveryConfig {
        @Override
        public Duration pollInterval() {
            return hub.pollInterval();
        }

        @Override
        public Duration connectTimeout() {
            return hub.connectTimeout();
        }

        @Override
        public Duration requestTimeout() {
            return hub.requestTimeout();
        }

        @Override
        public Duration initialBackoff() {
            return hub.initialBackoff();
        }

        @Override
        public Duration maxBackoff() {
            return hub.maxBackoff();
        }

        @Override
        public Duration giveUp() {
            return hub.giveUp();
        }

        @Override
        public int maxInFlight() {
            return hub.maxInFlight();
        }

        @Override
        public int maxInFlightPerDestination() {
            return hub.maxInFlightPerDestination();
        }

        @Override
        public Duration shutdownGrace() {
            return hub.shutdownGrace();
        }

        @Override
        public Duration probeInterval() {
            return hub.probeInterval();
        }

        @Override
        public Duration failureLogInterval() {
            return hub.failureLogInterval();
        }
    }
}

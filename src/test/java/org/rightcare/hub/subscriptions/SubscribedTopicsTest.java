package org.rightcare.hub.subscriptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.testing.TestDatabase;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The cascade asks the database for a topic's subscribers only when this replica knows of a subscription to it that
 * is not off ({@link SubscribedTopics}). What proves that skipping is safe: a subscription made here is known at
 * once, and one made on another replica within moments, through the version row and its notification.
 */
@QuarkusTest
class SubscribedTopicsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    SubscribedTopics topics;
    @Inject
    SubscriptionService service;

    @Test
    void knowsOfASubscriptionMadeOnThisReplicaAsSoonAsItIsCommitted() {
        String ods = "ST" + UUID.randomUUID().toString().substring(0, 6);
        TopicSubscription made = service.create(ods, new SubscriptionRepository.Draft(SubscriptionTopic.STACK, null,
                URI.create("http://127.0.0.1:1/notify"), null, false), URI.create("http://localhost/fhir"))
                .await().atMost(WAIT);
        try {
            assertTrue(topics.mayHaveSubscribers(SubscriptionTopic.STACK));
            assertEquals(version(), topics.version());
        } finally {
            service.delete(made.id(), ods).await().atMost(WAIT);
        }
        assertEquals(version(), topics.version());
        assertEquals(requested(SubscriptionTopic.STACK) > 0, topics.mayHaveSubscribers(SubscriptionTopic.STACK));
    }

    @Test
    void followsASubscriptionMadeAndDeletedOnAnotherReplica() {
        UUID id = UUID.randomUUID();
        TestDatabase.text("""
                WITH made AS (
                    INSERT INTO subscription (id, ods_code, topic, endpoint, fhir_base, requested_status,
                                              last_notified_at, created_at, updated_at)
                    VALUES (?, 'OTHER-REPLICA', 'offer', 'http://127.0.0.1:1/notify', 'http://localhost/fhir',
                            'requested', now(), now(), now())
                    RETURNING id
                ), bumped AS (UPDATE subscription_state SET version = version + 1, updated_at = now()
                              WHERE EXISTS (SELECT 1 FROM made) RETURNING version)
                SELECT pg_notify('hub_subscriptions_changed', version::text) FROM bumped
                """, id);
        Awaitility.await("the notification brings the other replica's subscription").atMost(WAIT)
                .until(() -> topics.version() == version());
        assertTrue(topics.mayHaveSubscribers(SubscriptionTopic.OFFER));

        TestDatabase.text("""
                WITH gone AS (DELETE FROM subscription WHERE id = ? RETURNING id),
                     bumped AS (UPDATE subscription_state SET version = version + 1, updated_at = now()
                                WHERE EXISTS (SELECT 1 FROM gone) RETURNING version)
                SELECT pg_notify('hub_subscriptions_changed', version::text) FROM bumped
                """, id);
        Awaitility.await("the notification takes it away").atMost(WAIT).until(() -> topics.version() == version());
        assertEquals(requested(SubscriptionTopic.OFFER) > 0, topics.mayHaveSubscribers(SubscriptionTopic.OFFER));
    }

    private static long version() {
        return TestDatabase.count("SELECT version FROM subscription_state");
    }

    private static long requested(SubscriptionTopic topic) {
        return TestDatabase.count("SELECT count(*) FROM subscription WHERE topic = ? AND requested_status = 'requested'",
                topic.code());
    }
}

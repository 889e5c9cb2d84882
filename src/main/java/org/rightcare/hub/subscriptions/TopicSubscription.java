package org.rightcare.hub.subscriptions;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/**
 * A provider organisation's rest-hook subscription to one topic.
 *
 * @param serviceId the subscriber's service the filter criteria narrow it to; null for all the organisation's
 * @param heartbeatPeriod null for no heartbeats
 * @param fhirBase the hub's FHIR base the subscription was made at, ending in {@code /}
 * @param eventsSinceStart the number of the latest event-notification
 */
public record TopicSubscription(UUID id, String odsCode, SubscriptionTopic topic, String serviceId, URI endpoint,
        Duration heartbeatPeriod, URI fhirBase, Status status, long eventsSinceStart, Instant updatedAt) {

    /** The Subscription status codes: the hub moves it from requested to active (or error) by the handshake. */
    public enum Status {
        REQUESTED("requested"),
        ACTIVE("active"),
        ERROR("error"),
        OFF("off");

        private final String code;

        Status(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static Optional<Status> fromCode(String code) {
            return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
        }
    }

    /** The subscription's own absolute URL, as notifications name it. */
    public String url() {
        return fhirBase.resolve("Subscription/" + id).toString();
    }

    public String topicCanonical() {
        return topic.canonical(fhirBase);
    }

    /** The outbox queue (destination and ordering key) of this subscription's notifications, one at a time. */
    public String queue() {
        return "subscription/" + id;
    }
}

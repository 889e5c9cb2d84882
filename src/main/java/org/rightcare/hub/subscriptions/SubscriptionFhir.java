package org.rightcare.hub.subscriptions;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PositiveIntType;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Subscription.SubscriptionChannelType;
import org.hl7.fhir.r4.model.Subscription.SubscriptionStatus;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.rightcare.hub.delivery.DeliveryConfig;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.fhir.References;

/**
 * R4 Subscriptions as the Backport IG shapes them, to and from the hub's {@link TopicSubscription}: the topic's
 * canonical in {@code criteria}, the filter in its {@code backport-filter-criteria} extension, a rest-hook channel
 * with {@code id-only} payloads ({@code backport-payload-content}), and the heartbeat, timeout and max-count channel
 * extensions. Reading a request checks everything the hub acts on and refuses what it would not honour.
 */
@ApplicationScoped
public class SubscriptionFhir {

    public static final String PROFILE = NotificationBundles.BACKPORT + "backport-subscription";
    static final String FILTER_CRITERIA = NotificationBundles.BACKPORT + "backport-filter-criteria";
    static final String PAYLOAD_CONTENT = NotificationBundles.BACKPORT + "backport-payload-content";
    static final String HEARTBEAT_PERIOD = NotificationBundles.BACKPORT + "backport-heartbeat-period";
    static final String TIMEOUT = NotificationBundles.BACKPORT + "backport-timeout";
    static final String MAX_COUNT = NotificationBundles.BACKPORT + "backport-max-count";
    static final String ID_ONLY = "id-only";
    private static final List<String> PAYLOAD_TYPES = List.of(NotificationBundles.CONTENT_TYPE, "application/json");

    /** The outcome of reading a Subscription from a subscriber. */
    public sealed interface Read {
    }

    public record Valid(SubscriptionRepository.Draft draft) implements Read {
    }

    /** Refused with a stable hub error code (422 unless the request is malformed). */
    public record Invalid(String code, String detail) implements Read {
    }

    private final ServiceDirectory directory;
    private final SubscriptionsConfig config;
    private final DeliveryConfig delivery;

    public SubscriptionFhir(ServiceDirectory directory, SubscriptionsConfig config, DeliveryConfig delivery) {
        this.directory = directory;
        this.config = config;
        this.delivery = delivery;
    }

    /** What {@code odsCode}'s system asks for, at the hub's {@code fhirBase}. */
    public Read read(Subscription subscription, String odsCode, URI fhirBase) {
        Optional<SubscriptionTopic> topic = SubscriptionTopic.fromCanonical(fhirBase, subscription.getCriteria());
        if (topic.isEmpty()) {
            return new Invalid("UNKNOWN_TOPIC", "criteria must be the canonical URL of one of the hub's topics: "
                    + Arrays.stream(SubscriptionTopic.values()).map(t -> t.canonical(fhirBase)).toList());
        }
        boolean off = false;
        if (subscription.hasStatus()) {
            if (subscription.getStatus() == SubscriptionStatus.OFF) {
                off = true;
            } else if (subscription.getStatus() != SubscriptionStatus.REQUESTED) {
                return new Invalid("INVALID_STATUS", "status may be requested or off; the hub makes a subscription "
                        + "active once its endpoint has answered the handshake");
            }
        }
        List<Extension> filters = subscription.getCriteriaElement().getExtensionsByUrl(FILTER_CRITERIA);
        if (filters.size() > 1) {
            return new Invalid("INVALID_FILTER", "At most one filter criteria: " + filterForm(topic.get()));
        }
        String serviceId = null;
        if (filters.size() == 1) {
            Optional<String> service = filteredService(topic.get(), filters.get(0).getValue().primitiveValue());
            if (service.isEmpty()) {
                return new Invalid("INVALID_FILTER", "The " + topic.get().code() + " topic filters by service only: "
                        + filterForm(topic.get()));
            }
            if (directory.find(service.get()).filter(s -> s.odsCode().equals(odsCode)).isEmpty()) {
                return new Invalid("INVALID_FILTER", "HealthcareService/" + service.get()
                        + " is not one of your organisation's services");
            }
            serviceId = service.get();
        }
        Subscription.SubscriptionChannelComponent channel = subscription.getChannel();
        if (channel.getType() != SubscriptionChannelType.RESTHOOK) {
            return new Invalid("UNSUPPORTED_CHANNEL", "channel.type must be rest-hook");
        }
        if (channel.hasHeader()) {
            return new Invalid("UNSUPPORTED_CHANNEL", "channel.header is not supported: the endpoint must accept "
                    + "the hub's notifications without headers of its own");
        }
        Optional<URI> endpoint = endpoint(channel.getEndpoint());
        if (endpoint.isEmpty()) {
            return new Invalid("INVALID_ENDPOINT", "channel.endpoint must be an absolute https URL"
                    + (config.allowHttpLoopback() ? " (or http on a loopback address)" : ""));
        }
        if (channel.hasPayload() && !PAYLOAD_TYPES.contains(channel.getPayload())) {
            return new Invalid("UNSUPPORTED_PAYLOAD", "channel.payload must be " + NotificationBundles.CONTENT_TYPE);
        }
        Extension content = channel.getPayloadElement().getExtensionByUrl(PAYLOAD_CONTENT);
        if (content != null && !ID_ONLY.equals(content.getValue().primitiveValue())) {
            return new Invalid("UNSUPPORTED_PAYLOAD", "Only id-only payloads are sent: the subscriber reads the "
                    + "focus through the API, which shows it only what it may see");
        }
        Duration heartbeat = null;
        Extension period = channel.getExtensionByUrl(HEARTBEAT_PERIOD);
        if (period != null) {
            if (!(period.getValue() instanceof UnsignedIntType seconds) || seconds.getValue() == null
                    || seconds.getValue() < 1) {
                return new Invalid("INVALID_HEARTBEAT", "backport-heartbeat-period is a whole number of seconds");
            }
            heartbeat = Duration.ofSeconds(seconds.getValue());
            if (heartbeat.compareTo(config.minHeartbeatPeriod()) < 0) {
                heartbeat = config.minHeartbeatPeriod();
            }
        }
        return new Valid(new SubscriptionRepository.Draft(topic.get(), serviceId, endpoint.get(), heartbeat, off));
    }

    /** The subscription as the hub holds it; adjusted values (heartbeat, timeout, max-count) say what it does. */
    public Subscription render(TopicSubscription subscription) {
        Subscription fhir = new Subscription();
        fhir.setId(subscription.id().toString());
        fhir.getMeta().addProfile(PROFILE).setLastUpdated(Date.from(subscription.updatedAt()));
        fhir.setStatus(SubscriptionStatus.fromCode(subscription.status().code()));
        fhir.setReason(subscription.topic().description());
        fhir.setCriteria(subscription.topicCanonical());
        if (subscription.serviceId() != null) {
            fhir.getCriteriaElement().addExtension(FILTER_CRITERIA, new StringType(
                    subscription.topic().focusType() + "?" + SubscriptionTopic.FILTER_PARAMETER + "=HealthcareService/"
                            + subscription.serviceId()));
        }
        Subscription.SubscriptionChannelComponent channel = fhir.getChannel()
                .setType(SubscriptionChannelType.RESTHOOK)
                .setEndpoint(subscription.endpoint().toString())
                .setPayload(NotificationBundles.CONTENT_TYPE);
        channel.getPayloadElement().addExtension(PAYLOAD_CONTENT, new CodeType(ID_ONLY));
        if (subscription.heartbeatPeriod() != null) {
            channel.addExtension(HEARTBEAT_PERIOD,
                    new UnsignedIntType(Math.toIntExact(subscription.heartbeatPeriod().toSeconds())));
        }
        channel.addExtension(TIMEOUT, new UnsignedIntType(Math.toIntExact(delivery.requestTimeout().toSeconds())));
        // One event per notification.
        channel.addExtension(MAX_COUNT, new PositiveIntType(1));
        return fhir;
    }

    private static String filterForm(SubscriptionTopic topic) {
        return topic.focusType() + "?" + SubscriptionTopic.FILTER_PARAMETER + "=HealthcareService/<id>";
    }

    /** The service id of {@code <focus>?service=HealthcareService/<id>} (or {@code service=<id>}). */
    private static Optional<String> filteredService(SubscriptionTopic topic, String criteria) {
        String prefix = topic.focusType() + "?" + SubscriptionTopic.FILTER_PARAMETER + "=";
        if (criteria == null || !criteria.startsWith(prefix) || criteria.indexOf('&') >= 0) {
            return Optional.empty();
        }
        String value = criteria.substring(prefix.length());
        return value.contains("/") ? References.idOf(value, "HealthcareService")
                : Optional.of(value).filter(v -> !v.isBlank());
    }

    private Optional<URI> endpoint(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(text);
            if (!uri.isAbsolute() || uri.getHost() == null) {
                return Optional.empty();
            }
            if ("https".equalsIgnoreCase(uri.getScheme())) {
                return Optional.of(uri);
            }
            return "http".equalsIgnoreCase(uri.getScheme()) && config.allowHttpLoopback() && isLoopback(uri.getHost())
                    ? Optional.of(uri)
                    : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        // A literal address only: a name is never looked up here.
        if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
            return false;
        }
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}

package org.rightcare.hub.subscriptions;

import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

import ca.uhn.fhir.context.FhirContext;

/**
 * Notifications as the Subscriptions Backport IG shapes them for R4: a {@code history} Bundle whose first entry is
 * the {@code backport-subscription-status-r4} Parameters (subscription, topic, status, type,
 * events-since-subscription-start and, for an event, the notification-event with its number, time and focus).
 * Payloads are id-only: the focus is a reference the subscriber reads through the hub's API, which applies the same
 * rules to what it may see as to every other read.
 */
@ApplicationScoped
public class NotificationBundles {

    public static final String CONTENT_TYPE = "application/fhir+json";
    static final String BACKPORT = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/";
    static final String NOTIFICATION_PROFILE = BACKPORT + "backport-subscription-notification-r4";
    static final String STATUS_PROFILE = BACKPORT + "backport-subscription-status-r4";

    /** The notification types of the IG's {@code backport-notification-type} codes that the hub sends. */
    public enum Type {
        HANDSHAKE("handshake"),
        HEARTBEAT("heartbeat"),
        EVENT_NOTIFICATION("event-notification");

        private final String code;

        Type(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final FhirContext fhir;

    public NotificationBundles(FhirContext fhir) {
        this.fhir = fhir;
    }

    /** A handshake (status requested) or a heartbeat (status active): no event. */
    public String withoutEvent(TopicSubscription subscription, Type type, Instant now) {
        String status = type == Type.HANDSHAKE ? TopicSubscription.Status.REQUESTED.code()
                : TopicSubscription.Status.ACTIVE.code();
        return fhir.newJsonParser().encodeResourceToString(bundle(subscription, type, status,
                subscription.eventsSinceStart(), now));
    }

    /**
     * One event: {@code focus} is the resource's type and id under the hub's base (e.g. {@code Task/<id>}), and
     * {@code eventNumber} also the subscription's events-since-subscription-start.
     */
    public String event(TopicSubscription subscription, long eventNumber, String focus, Instant now) {
        Bundle bundle = bundle(subscription, Type.EVENT_NOTIFICATION, TopicSubscription.Status.ACTIVE.code(),
                eventNumber, now);
        Parameters status = (Parameters) bundle.getEntryFirstRep().getResource();
        String focusUrl = subscription.fhirBase().resolve(focus).toString();
        Parameters.ParametersParameterComponent event = status.addParameter().setName("notification-event");
        event.addPart().setName("event-number").setValue(new StringType(String.valueOf(eventNumber)));
        event.addPart().setName("timestamp").setValue(new InstantType(Date.from(now)));
        event.addPart().setName("focus").setValue(new Reference(focusUrl));
        // Id-only: the focus is listed without its content, as the history Bundle's rules need a request.
        bundle.addEntry().setFullUrl(focusUrl).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(focus);
        bundle.getEntry().get(1).getResponse().setStatus("200");
        return fhir.newJsonParser().encodeResourceToString(bundle);
    }

    private static Bundle bundle(TopicSubscription subscription, Type type, String status, long eventsSinceStart,
            Instant now) {
        Parameters parameters = new Parameters();
        UUID statusId = UUID.randomUUID();
        parameters.setId(statusId.toString());
        parameters.getMeta().addProfile(STATUS_PROFILE);
        parameters.addParameter().setName("subscription").setValue(new Reference(subscription.url()));
        parameters.addParameter().setName("topic").setValue(new CanonicalType(subscription.topicCanonical()));
        parameters.addParameter().setName("status").setValue(new CodeType(status));
        parameters.addParameter().setName("type").setValue(new CodeType(type.code()));
        // A string in R4, where the count may outgrow an integer.
        parameters.addParameter().setName("events-since-subscription-start")
                .setValue(new StringType(String.valueOf(eventsSinceStart)));

        Bundle bundle = new Bundle().setType(Bundle.BundleType.HISTORY).setTimestamp(Date.from(now));
        bundle.setId(UUID.randomUUID().toString());
        bundle.getMeta().addProfile(NOTIFICATION_PROFILE);
        Bundle.BundleEntryComponent entry = bundle.addEntry().setFullUrl("urn:uuid:" + statusId)
                .setResource(parameters);
        entry.getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(subscription.url() + "/$status");
        entry.getResponse().setStatus("200");
        return bundle;
    }
}

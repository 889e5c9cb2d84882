package org.rightcare.hub.subscriptions;

import java.net.URI;
import java.util.Arrays;
import java.util.Optional;

import org.rightcare.hub.support.PublicUrls;

/**
 * What a provider may subscribe to. Each topic's canonical URL is under the hub's FHIR base
 * ({@code <base>/SubscriptionTopic/offer}), as the Subscriptions Backport IG has R4 Subscriptions name their topic in
 * {@code criteria}; each may be narrowed to one of the subscriber's services by the filter criteria
 * {@code <focus>?service=HealthcareService/<id>}.
 */
public enum SubscriptionTopic {
    /** A new offer (Task) to one of the subscriber's services. */
    OFFER("offer", "Task", "A case was offered to one of the organisation's services: focus the Task to answer"),
    /** A case entered or left the subscriber's clinical stack. */
    STACK("stack", "ServiceRequest", "A category 3 or 4 case entered or left the clinical stack of the "
            + "organisation's services (routed; or claimed, accepted, sent back, cancelled): focus the ServiceRequest");

    /** The one filter parameter every topic declares: the subscriber's HealthcareService. */
    public static final String FILTER_PARAMETER = "service";

    private final String code;
    private final String focusType;
    private final String description;

    SubscriptionTopic(String code, String focusType, String description) {
        this.code = code;
        this.focusType = focusType;
        this.description = description;
    }

    public String code() {
        return code;
    }

    /** The resource type of each notification's focus, and of the filter criteria. */
    public String focusType() {
        return focusType;
    }

    public String description() {
        return description;
    }

    public String canonical(URI fhirBase) {
        return PublicUrls.withoutTrailingSlash(fhirBase) + "/SubscriptionTopic/" + code;
    }

    public static Optional<SubscriptionTopic> fromCode(String code) {
        return Arrays.stream(values()).filter(t -> t.code.equals(code)).findFirst();
    }

    public static Optional<SubscriptionTopic> fromCanonical(URI fhirBase, String canonical) {
        return Arrays.stream(values()).filter(t -> t.canonical(fhirBase).equals(canonical)).findFirst();
    }
}

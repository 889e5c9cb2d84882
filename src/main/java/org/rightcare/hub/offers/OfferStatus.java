package org.rightcare.hub.offers;

import java.util.Arrays;
import java.util.Optional;

/** An offer's state, as the FHIR Task that represents it: the BaRS / FHIR workflow statuses the hub uses. */
public enum OfferStatus {
    /** Sent (or ready to be pulled), not yet seen by the provider. */
    REQUESTED("requested"),
    /** The provider's system has it. */
    RECEIVED("received"),
    ACCEPTED("accepted"),
    REJECTED("rejected"),
    /** Withdrawn by the hub: the CAD cancelled, or the category was upgraded. */
    CANCELLED("cancelled"),
    /** No answer by the deadline, or the offer could not be delivered. */
    FAILED("failed"),
    IN_PROGRESS("in-progress"),
    COMPLETED("completed");

    private final String code;

    OfferStatus(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** Awaiting the provider's answer. */
    public boolean isOpen() {
        return this == REQUESTED || this == RECEIVED;
    }

    /** The service holds the patient: an open offer or an accepted one still in its care. */
    public boolean holdsReferral() {
        return isOpen() || this == ACCEPTED || this == IN_PROGRESS;
    }

    public static Optional<OfferStatus> fromCode(String code) {
        return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
    }
}

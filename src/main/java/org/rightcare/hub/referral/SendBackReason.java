package org.rightcare.hub.referral;

import java.util.Arrays;
import java.util.Optional;

/** Why a case went back to the ambulance service: the reason codes of CAD contract v1. */
public enum SendBackReason {
    NO_CAPACITY("no-capacity", "No capacity available within timescale"),
    SERVICE_CLOSED("service-closed", "No suitable service open now"),
    OUT_OF_AREA("out-of-area", "No suitable service covers the patient's location"),
    CLINICALLY_INAPPROPRIATE("clinically-inappropriate", "Not clinically appropriate for the services available"),
    TIMED_OUT("timed-out", "No service answered within the acceptance window"),
    NO_ELIGIBLE_SERVICE("no-eligible-service", "No community service is eligible for this patient"),
    NOT_ELIGIBLE_CATEGORY("not-eligible-category", "The category is for an ambulance response only"),
    OTHER("other", "Other"),
    BREACH_PASSED("breach-passed", "The case's breach time had passed, or would pass before a service could answer");

    private final String code;
    private final String display;

    SendBackReason(String code, String display) {
        this.code = code;
        this.display = display;
    }

    public String code() {
        return code;
    }

    public String display() {
        return display;
    }

    public static Optional<SendBackReason> fromCode(String code) {
        return Arrays.stream(values()).filter(r -> r.code.equals(code)).findFirst();
    }
}

package org.rightcare.hub.cad;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import org.rightcare.hub.referral.ReferralStatus;
import org.rightcare.hub.referral.SendBackReason;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One outcome to tell a CAD about. {@link CadCallbackOutbox} turns it into the contract's callback body.
 *
 * @param status the referral's status after the outcome
 * @param service the service concerned (offered to, accepted by); null when none, e.g. a send-back
 * @param reason why, for a send-back; null otherwise
 * @param attempts every service tried so far and what each answered; empty when none
 * @param outcome the treating or validating service's final answer, for a completion or a send-back it caused; else
 *        null (and then absent from the body, as the contract's additions say)
 */
public record CadCallback(CadCallbackType type, ReferralStatus status, ServiceSummary service, Reason reason,
        List<Attempt> attempts, Outcome outcome) {

    /** The send-back reason codes of the CAD contract, v1 with its additions of 2026-12. */
    public static final Set<String> SENT_BACK_REASON_CODES = Arrays.stream(SendBackReason.values())
            .map(SendBackReason::code).collect(Collectors.toUnmodifiableSet());

    /** The contract's bound on a reason's free text. */
    public static final int MAX_TEXT = 1000;

    public CadCallback {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        if (reason != null && !SENT_BACK_REASON_CODES.contains(reason.code())) {
            throw new IllegalArgumentException("Not a send-back reason code of the CAD contract: " + reason.code());
        }
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    public CadCallback(CadCallbackType type, ReferralStatus status, ServiceSummary service, Reason reason,
            List<Attempt> attempts) {
        this(type, status, service, reason, attempts, null);
    }

    public record ServiceSummary(String id, String name, String type, String odsCode, String dosServiceId) {
    }

    /**
     * @param code one of {@link #SENT_BACK_REASON_CODES}
     * @param text the words a person gave with the answer, as written (at most {@link #MAX_TEXT} characters); absent
     *        when nobody gave any
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reason(String code, String display, String text) {

        public Reason {
            text = bounded(text);
        }

        public Reason(String code, String display) {
            this(code, display, null);
        }
    }

    /**
     * @param outcome what the service did with the offer, e.g. {@code rejected}
     * @param text the service's own words with its answer; absent when it gave none
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @com.fasterxml.jackson.annotation.JsonPropertyOrder({ "service", "outcome", "reason", "at", "text" })
    public record Attempt(String service, String outcome, String reason, Instant at, String text) {

        public Attempt {
            text = bounded(text);
        }

        public Attempt(String service, String outcome, String reason, Instant at) {
            this(service, outcome, reason, at, null);
        }
    }

    /**
     * A service's final answer as the contract's additions shape it.
     *
     * @param disposition the Pathways disposition or care plan code; null when the answer named none
     * @param arpCategory the ambulance response category the answer asks for ({@code C1}-{@code C5}); null when none
     * @param summary the answer's own words; null when none
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Outcome(Coding disposition, String arpCategory, String summary) {

        public Outcome {
            summary = bounded(summary);
        }
    }

    /** A code as the contract's outcome carries it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Coding(String system, String code, String display) {
    }

    /** Free text as the contract passes it on: blank is none, and at most {@link #MAX_TEXT} characters. */
    static String bounded(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (text.length() <= MAX_TEXT) {
            return text;
        }
        // Never cut a character in half.
        int end = Character.isHighSurrogate(text.charAt(MAX_TEXT - 1)) ? MAX_TEXT - 1 : MAX_TEXT;
        return text.substring(0, end);
    }
}

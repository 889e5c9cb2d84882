package org.rightcare.hub.cad;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.rightcare.hub.referral.ReferralStatus;

/**
 * One outcome to tell a CAD about. {@link CadCallbackOutbox} turns it into the contract's callback body.
 *
 * @param status the referral's status after the outcome
 * @param service the service concerned (offered to, accepted by); null when none, e.g. a send-back
 * @param reason why, for a send-back; null otherwise
 * @param attempts every service tried so far and what each answered; empty when none
 */
public record CadCallback(CadCallbackType type, ReferralStatus status, ServiceSummary service, Reason reason,
        List<Attempt> attempts) {

    /** The send-back reason codes of the CAD contract, v1. */
    public static final Set<String> SENT_BACK_REASON_CODES = Set.of("no-capacity", "service-closed", "out-of-area",
            "clinically-inappropriate", "timed-out", "no-eligible-service", "not-eligible-category", "other",
            "breach-passed");

    public CadCallback {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        if (reason != null && !SENT_BACK_REASON_CODES.contains(reason.code())) {
            throw new IllegalArgumentException("Not a send-back reason code of the CAD contract: " + reason.code());
        }
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    public record ServiceSummary(String id, String name, String type, String odsCode, String dosServiceId) {
    }

    /** @param code one of {@link #SENT_BACK_REASON_CODES} */
    public record Reason(String code, String display) {
    }

    /** @param outcome what the service did with the offer, e.g. {@code rejected} */
    public record Attempt(String service, String outcome, String reason, Instant at) {
    }
}

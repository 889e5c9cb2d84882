package org.rightcare.hub.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.rightcare.hub.referral.SendBackReason;

/**
 * Counts taken inside one transaction and recorded only after it commits: what the referral cascade did (offers
 * answered, referrals concluded, acceptances). The caller that owns the transaction hands them to
 * {@link HubMetrics#committed} once the transaction has committed, so a step that rolls back is never counted.
 */
public final class AfterCommitCounts {

    /** The {@code service_type} label when no service holds the referral. */
    public static final String NO_SERVICE = "none";

    /** How an offer ended without staying open: the {@code answer} label of {@code rightcare_offers_total}. */
    public enum OfferAnswer {
        ACCEPTED("accepted"),
        REJECTED("rejected"),
        TIMED_OUT("timed-out"),
        CANCELLED("cancelled"),
        UNDELIVERABLE("undeliverable");

        private final String label;

        OfferAnswer(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Where a referral ended up: the {@code outcome} label of {@code rightcare_referrals_total}. */
    public enum ReferralOutcome {
        ACCEPTED("accepted"),
        SENT_BACK("sent-back"),
        CANCELLED("cancelled"),
        COMPLETED("completed");

        private final String label;

        ReferralOutcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * @param serviceType the accepting service's type code, or {@link #NO_SERVICE}
     * @param sendBackReason set for {@link ReferralOutcome#SENT_BACK} only
     */
    public record Concluded(ReferralOutcome outcome, String serviceType, SendBackReason sendBackReason) {
    }

    /** A service accepted the referral this long after it arrived. */
    public record Acceptance(String serviceType, Duration sinceArrival) {
    }

    private final List<OfferAnswer> offerAnswers = new ArrayList<>();
    private final List<Concluded> concluded = new ArrayList<>();
    private final List<Acceptance> acceptances = new ArrayList<>();

    public void offerAnswered(OfferAnswer answer) {
        offerAnswers.add(answer);
    }

    public void concluded(ReferralOutcome outcome, String serviceType, SendBackReason reason) {
        concluded.add(new Concluded(outcome, serviceType, reason));
    }

    public void accepted(String serviceType, Duration sinceArrival) {
        acceptances.add(new Acceptance(serviceType, sinceArrival));
    }

    public List<OfferAnswer> offerAnswers() {
        return List.copyOf(offerAnswers);
    }

    public List<Concluded> concluded() {
        return List.copyOf(concluded);
    }

    public List<Acceptance> acceptances() {
        return List.copyOf(acceptances);
    }
}

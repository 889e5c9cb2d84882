package org.rightcare.hub.whatif;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.rightcare.hub.offers.OfferStatusReason;

/**
 * How a simulated provider behaves: its places and how long a patient stays, how fast it answers, how often it stays
 * silent or declines and with what reason. Every field may be left out (null) to take the value of the level below:
 * a service's own settings over its type's, over the scenario's defaults. The defaults must set every field but
 * {@code places} (no places: the service does not count them and is never full).
 *
 * @param careMinutes how long an accepted patient holds a place
 * @param answerMinutes the provider answers after a time drawn evenly from this range; an answer that would come at
 *        or after the offer's deadline never comes
 * @param silentShare share of offers never answered
 * @param rejectShare share of answered offers declined
 * @param rejectReason the code they decline with: {@code dos:<code>} (dos-rejected-reasons-bars) or
 *        {@code bars:<code>} (rejected-reasons-bars), e.g. {@code dos:23} (not clinically appropriate)
 */
public record ProviderBehaviour(Integer places, Integer careMinutes, Range answerMinutes, Double silentShare,
        Double rejectShare, String rejectReason) {

    /** A range of whole minutes, both ends included. */
    public record Range(int min, int max) {
    }

    public static final ProviderBehaviour NONE = new ProviderBehaviour(null, null, null, null, null, null);

    /** These settings, with {@code base}'s wherever these leave one out. */
    public ProviderBehaviour over(ProviderBehaviour base) {
        if (base == null) {
            return this;
        }
        return new ProviderBehaviour(places != null ? places : base.places,
                careMinutes != null ? careMinutes : base.careMinutes,
                answerMinutes != null ? answerMinutes : base.answerMinutes,
                silentShare != null ? silentShare : base.silentShare,
                rejectShare != null ? rejectShare : base.rejectShare,
                rejectReason != null ? rejectReason : base.rejectReason);
    }

    public Duration care() {
        return Duration.ofMinutes(careMinutes);
    }

    /** The reject reason as the offer records it; null when the text is not a known provider rejection code. */
    public OfferStatusReason rejection() {
        if (rejectReason == null) {
            return null;
        }
        OfferStatusReason reason = rejectReason.startsWith("dos:")
                ? new OfferStatusReason(OfferStatusReason.DOS_SYSTEM, rejectReason.substring(4), null)
                : rejectReason.startsWith("bars:")
                        ? new OfferStatusReason(OfferStatusReason.BARS_SYSTEM, rejectReason.substring(5), null)
                        : null;
        return reason != null && reason.isProviderRejectionCode() ? reason : null;
    }

    /** What is wrong with these settings, each as {@code field: reason}; {@code complete} asks for every field. */
    List<String> problems(boolean complete) {
        List<String> problems = new ArrayList<>();
        if (places != null && places < 0) {
            problems.add("places: must be 0 or more");
        }
        if (careMinutes != null && careMinutes <= 0) {
            problems.add("careMinutes: must be more than 0");
        }
        if (answerMinutes != null && (answerMinutes.min() < 0 || answerMinutes.max() < answerMinutes.min())) {
            problems.add("answerMinutes: min must be 0 or more and max not below min");
        }
        if (silentShare != null && (silentShare < 0 || silentShare > 1)) {
            problems.add("silentShare: must be between 0 and 1");
        }
        if (rejectShare != null && (rejectShare < 0 || rejectShare > 1)) {
            problems.add("rejectShare: must be between 0 and 1");
        }
        if (rejectReason != null && rejection() == null) {
            problems.add("rejectReason: '" + rejectReason + "' is not dos:<code> or bars:<code> with a known code");
        }
        if (complete && (careMinutes == null || answerMinutes == null || silentShare == null || rejectShare == null
                || rejectReason == null)) {
            problems.add("the defaults must set careMinutes, answerMinutes, silentShare, rejectShare and rejectReason");
        }
        return problems;
    }
}

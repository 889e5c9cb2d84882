package org.rightcare.hub.cascade;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.metrics.AfterCommitCounts;
import org.rightcare.hub.metrics.HubMetrics;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferRepository;
import org.rightcare.hub.offers.OfferStatus;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.referral.CareOutcome;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralRepository;
import org.rightcare.hub.support.CorrelationId;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * A provider's answer to an offer: the one domain operation behind the FHIR Task API, BaRS responses and the board.
 * It checks that the caller owns the offer, that the answer is a legal next step and (when given) that the caller saw
 * the current version, then lets the send-back loop act on it in the same transaction.
 */
@ApplicationScoped
public class OfferAnswers {

    /** What a provider can say about an offer. */
    public enum Answer {
        RECEIVED(OfferStatus.RECEIVED),
        ACCEPT(OfferStatus.ACCEPTED),
        REJECT(OfferStatus.REJECTED),
        START(OfferStatus.IN_PROGRESS),
        COMPLETE(OfferStatus.COMPLETED);

        private final OfferStatus target;

        Answer(OfferStatus target) {
            this.target = target;
        }

        public OfferStatus target() {
            return target;
        }

        public static java.util.Optional<Answer> forTarget(OfferStatus status) {
            return java.util.Arrays.stream(values()).filter(a -> a.target == status).findFirst();
        }
    }

    /** The outcome, for the caller to turn into its own protocol's answer. */
    public sealed interface Result {
    }

    /** Done: the offer as it now stands. */
    public record Answered(Offer offer) implements Result {
    }

    /** No such offer for this caller (another organisation's offers are indistinguishable from none). */
    public record NotFound() implements Result {
    }

    /** The caller answered an older version than the current one. */
    public record StaleVersion(int currentVersion) implements Result {
    }

    /** Not a legal step from the offer's current status, or the acceptance window has closed. */
    public record IllegalTransition(String detail) implements Result {
    }

    /** The rejection needs an NHS rejection code. */
    public record InvalidReason(String detail) implements Result {
    }

    private static final Map<OfferStatus, Set<OfferStatus>> LEGAL_STEPS = Map.of(
            OfferStatus.REQUESTED, Set.of(OfferStatus.RECEIVED, OfferStatus.ACCEPTED, OfferStatus.REJECTED),
            OfferStatus.RECEIVED, Set.of(OfferStatus.ACCEPTED, OfferStatus.REJECTED),
            OfferStatus.ACCEPTED, Set.of(OfferStatus.IN_PROGRESS, OfferStatus.COMPLETED),
            OfferStatus.IN_PROGRESS, Set.of(OfferStatus.COMPLETED));

    private final Pool pool;
    private final OfferRepository offers;
    private final ReferralRepository referrals;
    private final ReferralCascade cascade;
    private final HubMetrics metrics;
    private final Clock clock;

    public OfferAnswers(Pool pool, OfferRepository offers, ReferralRepository referrals, ReferralCascade cascade,
            HubMetrics metrics, Clock clock) {
        this.pool = pool;
        this.offers = offers;
        this.referrals = referrals;
        this.cascade = cascade;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * @param callerOds the ODS code of the organisation answering; only the offer's owner may answer
     * @param expectedVersion the version the caller last saw (If-Match), or null to skip that check
     * @param reason required for a rejection, ignored otherwise
     */
    public Uni<Result> answer(UUID offerId, String callerOds, Answer answer, OfferStatusReason reason,
            Integer expectedVersion) {
        return answer(offerId, callerOds, List.of(answer), reason, expectedVersion, (tx, answered) -> Uni.createFrom()
                .voidItem());
    }

    /**
     * Work a protocol does in the answer's own transaction, such as recording the message that carried the answer,
     * so that the two commit or roll back together.
     */
    @FunctionalInterface
    public interface AlongsideAnswer {
        Uni<Void> record(SqlClient tx, Answered answered);
    }

    /**
     * Several answers in one transaction, in order (a BaRS final response to an offer never accepted is an acceptance
     * and a completion), all or none: the first one refused is the result and nothing changes.
     *
     * @param expectedVersion checked against the offer before the first step
     * @param alongside runs in the transaction once every step is done, with the offer as it then stands
     */
    public Uni<Result> answer(UUID offerId, String callerOds, List<Answer> steps, OfferStatusReason reason,
            Integer expectedVersion, AlongsideAnswer alongside) {
        return answer(offerId, callerOds, steps, reason, expectedVersion, null, alongside);
    }

    /** One answer with the service's final answer on the case (a Task completed with output). */
    public Uni<Result> answer(UUID offerId, String callerOds, Answer answer, OfferStatusReason reason,
            Integer expectedVersion, CareOutcome outcome) {
        return answer(offerId, callerOds, List.of(answer), reason, expectedVersion, outcome,
                (tx, answered) -> Uni.createFrom().voidItem());
    }

    /**
     * @param outcome the service's final answer, read with a completion (BaRS final response, Task output); null when
     *        it gave none. One that asks for an ambulance sends the case back ({@code clinician-requests-ambulance})
     *        instead of completing it.
     */
    public Uni<Result> answer(UUID offerId, String callerOds, List<Answer> steps, OfferStatusReason reason,
            Integer expectedVersion, CareOutcome outcome, AlongsideAnswer alongside) {
        if (steps.contains(Answer.REJECT) && (reason == null || !reason.isProviderRejectionCode())) {
            return Uni.createFrom().item(new InvalidReason("A rejection needs a statusReason coded in "
                    + OfferStatusReason.BARS_SYSTEM + " or " + OfferStatusReason.DOS_SYSTEM));
        }
        Instant now = clock.instant();
        AfterCommitCounts counts = new AfterCommitCounts();
        return pool.withTransaction(tx -> offers.findById(tx, offerId).chain(found -> {
            if (found.isEmpty() || !found.get().odsCode().equals(callerOds)) {
                return Uni.createFrom().item((Result) new NotFound());
            }
            // The answer's log lines carry the referral's correlation id, as its webhook and deliveries do.
            return referrals.correlationId(tx, found.get().referralId()).invoke(CorrelationId::use)
                    .chain(ignored -> steps(tx, found.get().referralId(), offerId, steps, 0, reason, expectedVersion,
                            outcome, now, counts))
                    .call(result -> result instanceof Answered answered ? alongside.record(tx, answered)
                            : Uni.createFrom().voidItem());
        })).invoke(committed -> metrics.committed(counts))
                // Rolled back, so nothing to count.
                .onFailure(LaterStepRefused.class).recoverWithItem(e -> ((LaterStepRefused) e).result);
    }

    /** Thrown inside the transaction to roll back the steps already taken when a later one is refused. */
    private static final class LaterStepRefused extends RuntimeException {
        private final transient Result result;

        LaterStepRefused(Result result) {
            super(null, null, false, false);
            this.result = result;
        }
    }

    private Uni<Result> steps(SqlClient tx, UUID referralId, UUID offerId, List<Answer> steps, int index,
            OfferStatusReason reason, Integer expectedVersion, CareOutcome outcome, Instant now,
            AfterCommitCounts counts) {
        // Lock the referral first, as the send-back loop does, then read the offer again under that lock.
        return referrals.lockById(tx, referralId)
                .chain(referral -> offers.findById(tx, offerId)
                        .chain(offer -> decide(tx, referral.orElseThrow(), offer.orElseThrow(), steps.get(index),
                                reason, index == 0 ? expectedVersion : null, outcome, now, counts)))
                .chain(result -> {
                    if (!(result instanceof Answered)) {
                        return index == 0 ? Uni.createFrom().item(result)
                                : Uni.createFrom().failure(new LaterStepRefused(result));
                    }
                    return index + 1 == steps.size() ? Uni.createFrom().item(result)
                            : steps(tx, referralId, offerId, steps, index + 1, reason, expectedVersion, outcome, now,
                                    counts);
                });
    }

    private Uni<Result> decide(SqlClient tx, Referral referral, Offer offer, Answer answer, OfferStatusReason reason,
            Integer expectedVersion, CareOutcome outcome, Instant now, AfterCommitCounts counts) {
        if (expectedVersion != null && expectedVersion != offer.version()) {
            return Uni.createFrom().item(new StaleVersion(offer.version()));
        }
        if (!LEGAL_STEPS.getOrDefault(offer.status(), Set.of()).contains(answer.target())) {
            return Uni.createFrom().item(new IllegalTransition("An offer in status " + offer.status().code()
                    + " cannot become " + answer.target().code()));
        }
        if (offer.status().isOpen() && !offer.deadlineAt().isAfter(now)) {
            return Uni.createFrom().item(new IllegalTransition("The acceptance window closed at " + offer.deadlineAt()
                    + "; the case has moved on"));
        }
        Uni<?> step = switch (answer) {
            case RECEIVED -> offers.updateStatus(tx, offer.id(), OfferStatus.RECEIVED, null, now);
            case ACCEPT -> cascade.accepted(tx, referral, offer, now, counts);
            case REJECT -> cascade.declined(tx, referral, offer, reason, now, counts);
            case START -> offers.updateStatus(tx, offer.id(), OfferStatus.IN_PROGRESS, null, now);
            case COMPLETE -> cascade.completed(tx, referral, offer, outcome, now, counts);
        };
        return step.chain(ignored -> offers.findById(tx, offer.id()))
                .map(updated -> (Result) new Answered(updated.orElseThrow()));
    }
}

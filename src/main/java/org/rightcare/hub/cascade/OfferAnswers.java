package org.rightcare.hub.cascade;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

        public static Optional<Answer> forTarget(OfferStatus status) {
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
        // Every read the answer needs is done up front, in two statements: the referral locked (as the send-back
        // loop locks it) through the offer, then its offers under that lock. Nothing the cascade then does reads them
        // again: only the cascade changes them, and only under this lock.
        return pool.withTransaction(tx -> referrals.lockByOffer(tx, offerId).chain(locked -> {
            if (locked.isEmpty()) {
                return Uni.createFrom().item((Result) new NotFound());
            }
            return offers.findByReferral(tx, locked.get().id()).chain(all -> {
                Optional<Offer> offer = all.stream().filter(o -> o.id().equals(offerId)).findFirst();
                if (offer.isEmpty() || !offer.get().odsCode().equals(callerOds)) {
                    return Uni.createFrom().item((Result) new NotFound());
                }
                // The answer's log lines carry the referral's correlation id, as its webhook and deliveries do.
                CorrelationId.use(locked.get().correlationId());
                return steps(tx, new Held(locked.get(), all, offer.get()), steps, 0, reason, expectedVersion, outcome,
                        now, counts)
                        .call(result -> result instanceof Answered answered ? alongside.record(tx, answered)
                                : Uni.createFrom().voidItem());
            });
        })).invoke(committed -> metrics.committed(counts))
                // Rolled back, so nothing to count.
                .onFailure(LaterStepRefused.class).recoverWithItem(e -> ((LaterStepRefused) e).result);
    }

    /** The referral, every offer of it and the offer answered, as the answer's steps so far left them. */
    private record Held(Referral referral, List<Offer> offers, Offer offer) {

        Held after(ReferralCascade.Answered step) {
            return after(step.referral(), step.offer());
        }

        Held after(Referral moved, Offer answered) {
            return new Held(moved, ReferralCascade.replace(offers, List.of(answered)), answered);
        }
    }

    /** Thrown inside the transaction to roll back the steps already taken when a later one is refused. */
    private static final class LaterStepRefused extends RuntimeException {
        private final transient Result result;

        LaterStepRefused(Result result) {
            super(null, null, false, false);
            this.result = result;
        }
    }

    private Uni<Result> steps(SqlClient tx, Held held, List<Answer> steps, int index, OfferStatusReason reason,
            Integer expectedVersion, CareOutcome outcome, Instant now, AfterCommitCounts counts) {
        Optional<Result> refusal = refusal(held.offer(), steps.get(index), index == 0 ? expectedVersion : null, now);
        if (refusal.isPresent()) {
            return index == 0 ? Uni.createFrom().item(refusal.get())
                    : Uni.createFrom().failure(new LaterStepRefused(refusal.get()));
        }
        return take(tx, held, steps.get(index), reason, outcome, now, counts).chain(next -> index + 1 == steps.size()
                ? Uni.createFrom().item((Result) new Answered(next.offer()))
                // A step of the cascade may have changed other offers too (a decline makes the next one): the next
                // step gets them read again, under the lock still held. Only a BaRS message answers in two steps.
                : offers.findByReferral(tx, next.referral().id())
                        .chain(all -> steps(tx, new Held(next.referral(), all, next.offer()), steps, index + 1, reason,
                                expectedVersion, outcome, now, counts)));
    }

    /** Why the answer is not a legal next step for the offer as it stands; empty when it is. */
    private static Optional<Result> refusal(Offer offer, Answer answer, Integer expectedVersion, Instant now) {
        if (expectedVersion != null && expectedVersion != offer.version()) {
            return Optional.of(new StaleVersion(offer.version()));
        }
        if (!LEGAL_STEPS.getOrDefault(offer.status(), Set.of()).contains(answer.target())) {
            return Optional.of(new IllegalTransition("An offer in status " + offer.status().code()
                    + " cannot become " + answer.target().code()));
        }
        if (offer.status().isOpen() && !offer.deadlineAt().isAfter(now)) {
            return Optional.of(new IllegalTransition("The acceptance window closed at " + offer.deadlineAt()
                    + "; the case has moved on"));
        }
        return Optional.empty();
    }

    /** Takes one step: the offers in the result are those read up front, with the answered one as it now stands. */
    private Uni<Held> take(SqlClient tx, Held held, Answer answer, OfferStatusReason reason, CareOutcome outcome,
            Instant now, AfterCommitCounts counts) {
        Referral referral = held.referral();
        Offer offer = held.offer();
        return switch (answer) {
            case RECEIVED, START -> offers.updateStatus(tx, offer.id(), answer.target(), null, now)
                    .map(updated -> held.after(referral, updated));
            case ACCEPT -> cascade.accepted(tx, referral, offer, held.offers(), now, counts).map(held::after);
            case REJECT -> cascade.declined(tx, referral, offer, held.offers(), reason, now, counts).map(held::after);
            case COMPLETE -> cascade.completed(tx, referral, offer, held.offers(), outcome, now, counts)
                    .map(held::after);
        };
    }

}

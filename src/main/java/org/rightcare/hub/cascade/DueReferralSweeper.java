package org.rightcare.hub.cascade;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.rightcare.hub.metrics.AfterCommitCounts;
import org.rightcare.hub.metrics.HubMetrics;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralRepository;
import org.rightcare.hub.referral.SendBackReason;
import org.rightcare.hub.routing.RoutingConfig;
import org.rightcare.hub.support.CorrelationId;
import org.rightcare.hub.support.DatabaseOutage;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Drives the send-back loop from the database, not from memory: new referrals not yet routed and offers whose
 * deadline passed are rows with {@code next_action_at <= now}. Each is claimed with {@code FOR UPDATE SKIP LOCKED}
 * in its own transaction, so deadlines survive restarts and any number of replicas share the work, each step done
 * once in effect.
 */
@ApplicationScoped
public class DueReferralSweeper {

    private static final Logger LOG = Logger.getLogger(DueReferralSweeper.class);

    private final Pool pool;
    private final ReferralRepository referrals;
    private final ReferralCascade cascade;
    private final RoutingConfig config;
    private final HubMetrics metrics;
    private final Clock clock;
    private final AtomicInteger lanesInUse = new AtomicInteger();
    /** Kicks passed over so far because every lane was busy: their referrals wait for a lane to go on to them. */
    private final AtomicLong passedOver = new AtomicLong();
    private volatile boolean stopping;

    public DueReferralSweeper(Pool pool, ReferralRepository referrals, ReferralCascade cascade, RoutingConfig config,
            HubMetrics metrics, Clock clock) {
        this.pool = pool;
        this.referrals = referrals;
        this.cascade = cascade;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * A stopping replica starts no new step: the one in its transaction commits or rolls back, and whatever is still
     * due stays due in the database for the other replicas (or this one after its restart).
     */
    void stop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /** The scheduled sweep's identity, by which an operator's tooling (or a test) may pause it. */
    public static final String SWEEP = "due-referral-sweep";

    @Scheduled(identity = SWEEP, every = "${hub.routing.sweep-interval}", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweepOnSchedule() {
        // Each step tags the lines it logs with its referral's correlation id; none outlives the sweep.
        return sweep(clock.instant()).replaceWithVoid()
                // An outage is logged once (DatabaseOutage), not by the scheduler with a stack trace per sweep.
                .onFailure(failure -> DatabaseOutage.noteIfOutage(failure, "routing sweep")).recoverWithNull()
                .eventually(() -> CorrelationId.use(null));
    }

    /** Advances every referral due at {@code now}, up to the batch size; returns how many it advanced. */
    public Uni<Integer> sweep(Instant now) {
        return sweepFrom(now, 0);
    }

    /**
     * Acts on one referral at once if it is due (a new referral just stored), instead of waiting for the next sweep,
     * then goes on with whatever else is due, oldest first, until nothing is: so a burst beyond the lanes' number is
     * routed as fast as the lanes go, not a slice a second by the sweep. Fire and forget: the sweep is the safety net
     * if this fails or the replica dies.
     */
    public void kick(UUID referralId) {
        if (stopping) {
            return;
        }
        // Intake comes first: beyond a few routing lanes at once, a new referral waits for a lane to finish its step
        // and take it (or for the sweep) rather than take the connections the webhook needs to acknowledge.
        if (lanesInUse.incrementAndGet() > config.lanes()) {
            lanesInUse.decrementAndGet();
            passedOver.incrementAndGet();
            return;
        }
        Instant now = clock.instant();
        AfterCommitCounts counts = new AfterCommitCounts();
        long passedOverBefore = passedOver.get();
        // Unless its own step found nothing else due and no kick was passed over meanwhile: a transaction to look
        // again would then find nothing (what falls due later is the sweep's).
        boolean[] othersDue = { true };
        pool.withTransaction(tx -> referrals.lockIfDue(tx, referralId, now)
                .chain(found -> {
                    if (found.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    othersDue[0] = found.get().othersDue();
                    Referral referral = found.get().referral();
                    CorrelationId.use(referral.correlationId());
                    return cascade.advance(tx, referral, now, counts).replaceWithVoid();
                }))
                .invoke(() -> metrics.committed(counts))
                // The referrals kicks passed over while every lane was busy are due now: this lane takes them.
                .chain(() -> othersDue[0] || passedOver.get() != passedOverBefore ? sweepFrom(clock.instant(), 0)
                        : Uni.createFrom().item(0))
                .eventually(() -> CorrelationId.use(null))
                .onTermination().invoke(lanesInUse::decrementAndGet)
                .subscribe().with(done -> {
                }, failure -> {
                    if (!DatabaseOutage.noteIfOutage(failure, "routing a new referral")) {
                        LOG.warnf("Could not route referral %s at once (the sweep will retry): %s", referralId,
                                failure.toString());
                    }
                });
    }

    private Uni<Integer> sweepFrom(Instant now, int advanced) {
        if (advanced >= config.sweepBatch() || stopping) {
            return Uni.createFrom().item(advanced);
        }
        return advanceNextDue(now).chain(any -> any ? sweepFrom(now, advanced + 1) : Uni.createFrom().item(advanced));
    }

    private Uni<Boolean> advanceNextDue(Instant now) {
        UUID[] claimed = new UUID[1];
        AfterCommitCounts counts = new AfterCommitCounts();
        return pool.withTransaction(tx -> referrals.lockNextDue(tx, now).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(false);
            }
            Referral referral = found.get();
            claimed[0] = referral.id();
            CorrelationId.use(referral.correlationId());
            return cascade.advance(tx, referral, now, counts).replaceWith(true);
        })).invoke(() -> metrics.committed(counts)).onFailure().recoverWithUni(failure -> {
            // Not the referral's fault: nothing to postpone (that would fail too); the sweep notes the outage.
            if (claimed[0] == null || DatabaseOutage.isUnavailability(failure)) {
                return Uni.createFrom().failure(failure);
            }
            return stepFailed(claimed[0], failure, now).replaceWith(true);
        });
    }

    /**
     * A step of the referral failed and rolled back. A database that cannot serve is an outage to wait out, not the
     * case's fault: the step is simply tried again later. Any other failure counts; past
     * {@code hub.routing.max-step-failures} in a row the case goes back to the ambulance service as {@code hub-error}
     * with one ERROR logged under its correlation id, instead of being retried for ever.
     */
    private Uni<Void> stepFailed(UUID referralId, Throwable failure, Instant now) {
        Instant retryAt = now.plus(config.retryFailedStepAfter());
        if (DatabaseOutage.isUnavailability(failure)) {
            LOG.warnf("Step of referral %s not taken: the database cannot serve now (%s); retrying in %s", referralId,
                    failure.toString(), config.retryFailedStepAfter());
            return referrals.postpone(pool, referralId, retryAt);
        }
        metrics.stepFailed();
        return referrals.recordStepFailure(pool, referralId, retryAt).chain(failures -> {
            if (failures < config.maxStepFailures()) {
                LOG.warnf(failure, "Step of referral %s failed (%d of %d in a row); retrying in %s", referralId,
                        failures, config.maxStepFailures(), config.retryFailedStepAfter());
                return Uni.createFrom().voidItem();
            }
            return referrals.correlationId(pool, referralId).chain(correlationId -> {
                CorrelationId.during(correlationId, () -> LOG.errorf(failure,
                        "Step of referral %s (correlation id %s) failed %d times in a row: sending it back as %s",
                        referralId, correlationId, failures, SendBackReason.HUB_ERROR.code()));
                return sendBackAsHubError(referralId);
            });
        });
    }

    private Uni<Void> sendBackAsHubError(UUID referralId) {
        Instant now = clock.instant();
        AfterCommitCounts counts = new AfterCommitCounts();
        return pool.withTransaction(tx -> referrals.lockById(tx, referralId)
                .chain(found -> found.isEmpty() ? Uni.createFrom().voidItem()
                        : cascade.failedTooOften(tx, found.get(), now, counts).replaceWithVoid()))
                .invoke(() -> metrics.committed(counts))
                .onFailure(f -> !DatabaseOutage.isUnavailability(f)).recoverWithUni(failure -> {
                    // Even the send-back fails: the case leaves the loop all the same, and the CAD can poll it.
                    LOG.errorf(failure, "Could not send referral %s back as %s; it leaves the loop untold", referralId,
                            SendBackReason.HUB_ERROR.code());
                    return referrals.abandon(pool, referralId, now);
                });
    }
}

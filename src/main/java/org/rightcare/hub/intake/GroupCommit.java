package org.rightcare.hub.intake;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.rightcare.hub.metrics.HubMetrics;
import org.rightcare.hub.support.DatabaseOutage;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Vertx;

/**
 * Group commit of new incidents: the {@code incident.created} events that arrive within
 * {@code hub.intake.group-commit.window} of the first are stored together, each referral and its event, by one
 * multi-row statement, so by one commit ({@link CadEventRepository#storeNewIncidents}). Each request waits for that
 * commit and hears whether its incident was stored. A statement and a commit cost the same CPU on both sides whatever
 * rows they carry, and at a thousand events a second they were most of what intake cost.
 *
 * <p>
 * Only new incidents are gathered. An update, a cancel or a close runs the cascade on the referral it changes (locks,
 * offers withdrawn, callbacks written), step by step on what the referral holds now; those keep their own transaction.
 * So does a created event for an incident the hub already knows (the batch leaves it out) and every event of a batch
 * that failed for a reason other than an outage (an eventId used before fails the statement as a whole): the caller
 * stores those one by one, each with its own answer, so one bad event never fails its neighbours. A database that
 * cannot be reached fails every waiting request, which the webhook answers 503: nothing is acknowledged before the
 * commit that holds it. A stopping hub stores what is waiting at once and waits for the batches in flight.
 */
@ApplicationScoped
public class GroupCommit {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);

    /** How long a stopping hub waits for the batches in flight: they are one statement each. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private record Waiting(CadEventRepository.NewIncident incident, UniEmitter<? super Boolean> answer) {
    }

    private final CadEventRepository events;
    private final Vertx vertx;
    private final HubMetrics metrics;
    private final long windowMillis;
    private final int maxEvents;

    /** The batch gathering now, or null; its timer. Guarded by this. */
    private List<Waiting> open;
    private long openTimer = -1;
    /** Batches whose statement has not answered yet. Guarded by this. */
    private int inFlight;
    private boolean stopping;

    public GroupCommit(CadEventRepository events, Vertx vertx, HubMetrics metrics, IntakeConfig config) {
        this.events = events;
        this.vertx = vertx;
        this.metrics = metrics;
        this.windowMillis = config.groupCommit().window().toMillis();
        this.maxEvents = Math.max(1, config.groupCommit().maxEvents());
    }

    /**
     * Stores the new incident with the others of its batch. True once the commit that holds it is done; false if the
     * batch left it out or failed without an outage, so that it must be stored one by one; a failure if the database
     * could not be reached. The answer comes on the thread that ran the statement.
     */
    public Uni<Boolean> store(CadEventRepository.NewIncident incident) {
        return Uni.createFrom().emitter(answer -> join(new Waiting(incident, answer)));
    }

    private void join(Waiting waiting) {
        List<Waiting> full = null;
        synchronized (this) {
            if (open == null) {
                open = new ArrayList<>();
                if (windowMillis > 0 && !stopping) {
                    List<Waiting> batch = open;
                    openTimer = vertx.setTimer(windowMillis, timer -> flushIfOpen(batch));
                }
            }
            open.add(waiting);
            if (open.size() >= maxEvents || windowMillis <= 0 || stopping) {
                full = close();
            }
        }
        if (full != null) {
            flush(full);
        }
    }

    private void flushIfOpen(List<Waiting> batch) {
        List<Waiting> due = null;
        synchronized (this) {
            if (open == batch) {
                due = close();
            }
        }
        if (due != null) {
            flush(due);
        }
    }

    /** Takes the open batch out of gathering; the caller flushes it. Holds this. */
    private List<Waiting> close() {
        List<Waiting> batch = open;
        open = null;
        if (openTimer >= 0) {
            vertx.cancelTimer(openTimer);
            openTimer = -1;
        }
        inFlight++;
        return batch;
    }

    private void flush(List<Waiting> batch) {
        Uni.createFrom().deferred(() -> events.storeNewIncidents(batch.stream().map(Waiting::incident).toList()))
                .subscribe().with(stored -> {
                    metrics.groupCommitted(batch.size());
                    for (Waiting waiting : batch) {
                        waiting.answer().complete(stored.contains(waiting.incident().referralId()));
                    }
                    landed();
                }, failure -> {
                    if (DatabaseOutage.isUnavailability(failure)) {
                        batch.forEach(waiting -> waiting.answer().fail(failure));
                    } else {
                        // Most likely an eventId used before; whatever it was, each event is stored (or refused) on its own.
                        LOG.debugf("A batch of %d new incidents was not stored together (%s); storing them one by one",
                                batch.size(), failure.toString());
                        batch.forEach(waiting -> waiting.answer().complete(false));
                    }
                    landed();
                });
    }

    private synchronized void landed() {
        inFlight--;
        notifyAll();
    }

    void stop(@Observes ShutdownEvent stopping) {
        drain(SHUTDOWN_GRACE);
    }

    /**
     * Stores what is waiting now, takes no more time to gather, and waits up to {@code grace} for the batches in
     * flight. Blocks the caller (the shutdown thread), never an event loop.
     */
    void drain(Duration grace) {
        List<Waiting> waiting;
        synchronized (this) {
            stopping = true;
            waiting = open == null ? null : close();
        }
        if (waiting != null) {
            flush(waiting);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (this) {
            while (inFlight > 0 && System.nanoTime() < deadline) {
                try {
                    wait(Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}

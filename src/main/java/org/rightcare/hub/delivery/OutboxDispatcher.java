package org.rightcare.hub.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.rightcare.hub.support.CorrelationId;
import org.rightcare.hub.support.DatabaseOutage;

import io.opentelemetry.api.trace.Span;
import io.quarkus.arc.All;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Sends what the outbox holds. Every replica runs one; they share the work through the database alone (rows claimed
 * with {@code FOR UPDATE SKIP LOCKED}), so any number can run side by side and a crashed one loses nothing: its
 * claims run out and another replica retries them.
 *
 * <p>
 * A pass claims due rows in one short statement, then sends each outside any transaction. A delivery that
 * reached its receiver is recorded by the next pass's claim, in the same statement ({@link OutboxRepository#claim}):
 * no statement or commit of its own. A failed attempt is recorded in a statement of its own. Concurrency is bounded per replica
 * and per destination, and destinations take turns in each claim, so
 * a slow or dead receiver holds only its own slots. Nothing here blocks: claims, sends and timers all run on the
 * Vert.x event loop.
 *
 * <p>
 * A pass starts when a transaction that wrote to the outbox commits on this replica ({@link #wake()}), when a
 * retry this replica scheduled falls due, when an attempt finishes (its delivery to be recorded, or its slot freed),
 * and on every poll tick. A pass that records deliveries counts their slots as free, so they need no pass of their
 * own after it.
 * At most one claim is running at a time, and claims start at least {@code claim-interval} apart; wake-ups that
 * arrive meanwhile fold into one further pass.
 *
 * <p>
 * A replica that stops claims nothing more, lets its attempts in flight finish for {@code shutdown-grace} (their
 * deliveries still recorded, by passes that claim nothing), and hands back the claims of those still running, so another
 * replica sends them at once instead of after the lease.
 */
@ApplicationScoped
public class OutboxDispatcher {

    private static final Logger LOG = Logger.getLogger(OutboxDispatcher.class);

    /** Beyond the request timeout, time for the outcome to be recorded before another replica may retry. */
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(30);
    /** How long a stopping replica tries to hand its claims back before leaving them to their leases. */
    private static final Duration HAND_BACK_TIMEOUT = Duration.ofSeconds(5);
    /**
     * When a delivery's row was locked by another transaction (a cascade withdrawing it) as a pass tried to record
     * it, the next try: such transactions hold their locks for milliseconds.
     */
    private static final Duration LOCKED_ROW_RETRY = Duration.ofMillis(10);

    private final OutboxRepository outbox;
    private final HttpDeliveryClient http;
    private final Map<String, DeliveryChannel> channels = new HashMap<>();
    private final DeliveryConfig config;
    private final RetrySchedule retries;
    private final Clock clock;
    private final Vertx vertx;
    private final DeliveryTracing tracing;
    private final DestinationHealth health;
    private final Duration lease;

    private final AtomicInteger inFlight = new AtomicInteger();
    /** The claims this dispatcher holds, by row: what it hands back if it stops before they finish. */
    private final Map<UUID, OutboxEntry> claims = new ConcurrentHashMap<>();
    private final Map<String, Integer> inFlightByDestination = new ConcurrentHashMap<>();
    /** Deliveries that reached their receivers, for the next pass to record. */
    private final Queue<Delivered> delivered = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    private volatile boolean stopped;
    /** When the last claim started ({@link System#nanoTime()}), for {@code claim-interval}. */
    private volatile long lastClaimStarted = System.nanoTime() - Duration.ofDays(1).toNanos();
    private long pollTimer = -1;
    private long probeTimer = -1;

    public OutboxDispatcher(OutboxRepository outbox, HttpDeliveryClient http, @All List<DeliveryChannel> channels,
            DeliveryConfig config, Clock clock, Vertx vertx, DeliveryTracing tracing, DestinationHealth health) {
        this.outbox = outbox;
        this.http = http;
        for (DeliveryChannel channel : channels) {
            if (this.channels.put(channel.name(), channel) != null) {
                throw new IllegalStateException("Two delivery channels are named " + channel.name());
            }
        }
        this.config = config;
        this.retries = new RetrySchedule(config);
        this.clock = clock;
        this.vertx = vertx;
        this.tracing = tracing;
        this.health = health;
        this.lease = config.requestTimeout().plus(LEASE_MARGIN);
    }

    void start(@Observes StartupEvent started) {
        pollTimer = vertx.setPeriodic(Math.max(1, config.pollInterval().toMillis()), tick -> wake());
        probeTimer = vertx.setPeriodic(Math.max(1, config.probeInterval().toMillis()), tick -> probeFailing());
        wake();
    }

    void stop(@Observes ShutdownEvent stopping) {
        drain(config.shutdownGrace());
    }

    /**
     * Stops claiming, waits up to {@code grace} for the attempts in flight, then hands back the claims of those still
     * running. Blocks the caller (the shutdown thread), never the event loop.
     */
    void drain(Duration grace) {
        stopped = true;
        if (pollTimer >= 0) {
            vertx.cancelTimer(pollTimer);
        }
        if (probeTimer >= 0) {
            vertx.cancelTimer(probeTimer);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (claims) {
            while (!claims.isEmpty() && System.nanoTime() < deadline) {
                try {
                    claims.wait(Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        List<OutboxEntry> unfinished = List.copyOf(claims.values());
        if (unfinished.isEmpty()) {
            return;
        }
        try {
            int released = outbox.release(unfinished, clock.instant()).await().atMost(HAND_BACK_TIMEOUT);
            LOG.infof("Stopping: handed back %d delivery claim(s) still in flight after %s", released, grace);
        } catch (RuntimeException e) {
            LOG.warnf("Stopping: could not hand back %d delivery claim(s); they are retried when their leases run "
                    + "out: %s", unfinished.size(), e.toString());
        }
    }

    /** A delivery that reached its receiver; {@code recorded} completes with whether the pass marked it delivered. */
    private record Delivered(OutboxEntry entry, OutboxRepository.Completion completion,
            CompletableFuture<Boolean> recorded) {
    }

    /**
     * Look for due deliveries now, and record those that reached their receivers. Cheap to call often: concurrent
     * calls fold into one claim. A stopped dispatcher claims nothing, but still records.
     */
    public void wake() {
        wakeRequested.set(true);
        if ((!stopped || !delivered.isEmpty()) && claiming.compareAndSet(false, true)) {
            // Still marked claiming while it waits, so wake-ups meanwhile fold into the claim that ends the wait.
            long wait = lastClaimStarted + config.claimInterval().toNanos() - System.nanoTime();
            if (wait > 0) {
                vertx.setTimer(Math.max(1, Duration.ofNanos(wait).toMillis()), timer -> claimDue());
            } else {
                claimDue();
            }
        }
    }

    private void claimDue() {
        lastClaimStarted = System.nanoTime();
        wakeRequested.set(false);
        List<Delivered> recording = new ArrayList<>();
        for (Delivered done = delivered.poll(); done != null; done = delivered.poll()) {
            recording.add(done);
        }
        // The attempts being recorded are over: their slots are this claim's to fill.
        Map<String, Integer> busy = new HashMap<>(inFlightByDestination);
        recording.forEach(done -> busy.computeIfPresent(done.entry().destination(), (destination, n) -> n > 1 ? n - 1 : null));
        int free = stopped ? 0 : config.maxInFlight() - inFlight.get() + recording.size();
        if (free <= 0 && recording.isEmpty()) {
            claimFinished();
            return;
        }
        Instant now = clock.instant();
        outbox.claim(channels.keySet(), busy, Math.max(0, free), config.maxInFlightPerDestination(), now,
                now.plus(lease), recording.stream().map(Delivered::completion).toList())
                .subscribe().with(result -> {
                    DatabaseOutage.noteAvailable();
                    List<Delivered> locked = new ArrayList<>();
                    for (Delivered done : recording) {
                        if (result.recorded().contains(done.entry().id())) {
                            done.recorded().complete(result.delivered().contains(done.entry().id()));
                        } else {
                            locked.add(done);
                        }
                    }
                    if (!locked.isEmpty()) {
                        delivered.addAll(locked);
                        vertx.setTimer(LOCKED_ROW_RETRY.toMillis(), timer -> wake());
                    }
                    result.claimed().forEach(this::attempt);
                    claimFinished();
                }, failure -> {
                    // Nothing was recorded: the deliveries wait for the next pass (their leases keep their rows
                    // from other replicas meanwhile, as they did while on the wire).
                    delivered.addAll(recording);
                    if (!DatabaseOutage.noteIfOutage(failure, "delivery claim")) {
                        LOG.warnf("Could not claim due deliveries or record %d delivered (retrying on the next poll): %s",
                                recording.size(), failure.toString());
                    }
                    claimFinished();
                });
    }

    private void claimFinished() {
        claiming.set(false);
        if (wakeRequested.get()) {
            wake();
        }
    }

    private void attempt(OutboxEntry entry) {
        claims.put(entry.id(), entry);
        inFlight.incrementAndGet();
        inFlightByDestination.merge(entry.destination(), 1, Integer::sum);
        AtomicBoolean recordedByClaim = new AtomicBoolean();
        Uni.createFrom().deferred(() -> send(entry))
                .chain(outcome -> {
                    if (outcome instanceof DeliveryOutcome.Delivered success) {
                        return recordDelivered(entry, success).invoke(() -> recordedByClaim.set(true));
                    }
                    return recordFailure(entry, outcome).call(recorded -> recorded ? Uni.createFrom().voidItem()
                            : outbox.attemptOnWithdrawnEnded(entry));
                })
                .onFailure().recoverWithItem(failure -> {
                    // The claim's lease runs out and the row is tried again: at least once, never lost.
                    if (DatabaseOutage.noteIfOutage(failure, "delivery outcome")) {
                        return null;
                    }
                    log(entry, () -> LOG.warnf("Delivery %s: the attempt or its outcome could not be completed; "
                            + "retried when its lease runs out: %s", entry.id(), failure.toString()));
                    return null;
                })
                .onTermination().invoke(() -> {
                    synchronized (claims) {
                        claims.remove(entry.id());
                        claims.notifyAll();
                    }
                    inFlight.decrementAndGet();
                    inFlightByDestination.computeIfPresent(entry.destination(), (destination, n) -> n > 1 ? n - 1 : null);
                    // A claim that recorded the delivery already looked for work for this slot.
                    if (!recordedByClaim.get()) {
                        wake();
                    }
                })
                .subscribe().with(done -> {
                });
    }

    private Uni<DeliveryOutcome> send(OutboxEntry entry) {
        Span span = tracing.startAttempt(entry);
        DeliveryRequest request;
        try {
            request = channels.get(entry.channel()).requestFor(entry).withHeader(CorrelationId.HEADER,
                    entry.correlationId());
        } catch (UndeliverableException e) {
            DeliveryOutcome rejected = new DeliveryOutcome.Rejected(e.getMessage());
            DeliveryTracing.end(span, rejected);
            return Uni.createFrom().item(rejected);
        }
        return http.post(DeliveryTracing.propagate(span, request)).map(channels.get(entry.channel())::interpret)
                .invoke(outcome -> DeliveryTracing.end(span, outcome));
    }

    /**
     * Hands a delivery that reached its receiver to the next claim to record, and wakes the dispatcher for it.
     * Completes when it is recorded: marked delivered, or, if the row was withdrawn meanwhile, its attempt ended.
     */
    private Uni<Boolean> recordDelivered(OutboxEntry entry, DeliveryOutcome.Delivered success) {
        Instant now = clock.instant();
        log(entry, () -> LOG.debugf("Delivered %s %s to %s (attempt %d, HTTP %d)", entry.channel(), entry.id(),
                entry.destination(), entry.attempts(), success.status()));
        health.delivered(entry.destination(), now).ifPresent(pullAt -> {
            long wait = Duration.between(now, pullAt).toMillis();
            if (wait <= 0) {
                sendBacklog(entry.destination(), now);
            } else {
                vertx.setTimer(wait, timer -> sendBacklog(entry.destination(), clock.instant()));
            }
        });
        CompletableFuture<Boolean> recorded = new CompletableFuture<>();
        delivered.add(new Delivered(entry, new OutboxRepository.Completion(entry.id(), entry.leaseToken(), now),
                recorded));
        wake();
        return Uni.createFrom().completionStage(recorded);
    }

    /**
     * Records a failed attempt's outcome; false when the row was no longer this claim's to change (withdrawn
     * meanwhile, or the lease ran out and another dispatcher took it).
     */
    private Uni<Boolean> recordFailure(OutboxEntry entry, DeliveryOutcome outcome) {
        Instant now = clock.instant();
        if (outcome instanceof DeliveryOutcome.Rejected rejected) {
            return deadLetter(entry, rejected.error(), "rejected", now);
        }
        DeliveryOutcome.Failed failed = (DeliveryOutcome.Failed) outcome;
        health.failed(entry.destination(), failed.error(), now);
        return retries.nextAttempt(entry.attempts(), entry.pendingSince(), failed.retryAfter(), now)
                .map(next -> outbox.reschedule(entry, next, failed.error()).invoke(rescheduled -> {
                    log(entry, () -> LOG.debugf("Delivery %s to %s failed (attempt %d: %s); next attempt at %s",
                            entry.id(), entry.destination(), entry.attempts(), failed.error(), next));
                    if (rescheduled) {
                        wakeAt(next, now);
                    }
                }))
                .orElseGet(() -> deadLetter(entry, failed.error(), "failing for " + config.giveUp(), now));
    }

    private Uni<Boolean> deadLetter(OutboxEntry entry, String error, String why, Instant now) {
        return outbox.markDead(entry, error, now, tx -> channels.get(entry.channel()).deadLettered(tx, entry)).invoke(dead -> {
            if (dead) {
                log(entry, () -> LOG.warnf("Dead letter: %s %s to %s after %d attempt(s), %s: %s", entry.channel(),
                        entry.id(), entry.destination(), entry.attempts(), why, error));
            }
        });
    }

    /** The destination is back: what waited on backoffs goes now, each ordering key still in order. */
    private void sendBacklog(String destination, Instant now) {
        outbox.pullForward(destination, now).subscribe().with(pulled -> {
            if (pulled > 0) {
                wake();
            }
        }, failure -> {
            if (!DatabaseOutage.noteIfOutage(failure, "delivery backlog")) {
                LOG.warnf("Could not bring %s's pending deliveries forward (they keep their backoff): %s", destination,
                        failure.toString());
            }
        });
    }

    /** Each failing destination's oldest pending delivery is tried now, whatever its backoff: is it back? */
    private void probeFailing() {
        if (stopped) {
            return;
        }
        Instant now = clock.instant();
        for (String destination : health.failing()) {
            outbox.probe(destination, now).subscribe().with(probing -> {
                if (probing) {
                    wake();
                }
            }, failure -> DatabaseOutage.noteIfOutage(failure, "delivery probe"));
        }
    }

    /** Attempts of many referrals interleave on the event loop: each line is tagged with its own entry's id. */
    private static void log(OutboxEntry entry, Runnable logging) {
        CorrelationId.during(entry.correlationId(), logging);
    }

    /** Retries this replica scheduled go out on time, not on the next poll tick. */
    private void wakeAt(Instant due, Instant now) {
        if (!stopped) {
            vertx.setTimer(Math.max(1, Duration.between(now, due).toMillis()), timer -> wake());
        }
    }
}

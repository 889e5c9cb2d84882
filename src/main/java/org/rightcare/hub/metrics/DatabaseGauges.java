package org.rightcare.hub.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.rightcare.hub.support.DatabaseOutage;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Gauges whose truth is in PostgreSQL, shared by every replica: the delivery queue per endpoint (and whether an
 * operator paused it), dead letters, how late the send-back loop is, and the stack of referrals still in play. A scheduled
 * collection reads them with one cheap, indexed query each through the
 * reactive client and caches the values; scrapes read the cache and never touch the database.
 */
@Startup
@ApplicationScoped
public class DatabaseGauges {

    private static final Logger LOG = Logger.getLogger(DatabaseGauges.class);

    static final String QUEUE_DEPTH = "rightcare.delivery.queue.depth";
    static final String QUEUE_AGE = "rightcare.delivery.queue.age.seconds";
    static final String PAUSED = "rightcare.delivery.endpoint.paused";
    static final String DEAD_LETTERS = "rightcare.delivery.dead.letters";
    static final String SWEEPER_LAG = "rightcare.sweeper.lag.seconds";
    static final String STACK = "rightcare.stack.referrals";
    static final String STACK_OLDEST = "rightcare.stack.oldest.seconds";

    /** The referral statuses of a case still in the stack: not yet placed, sent back or cancelled. */
    private static final List<String> IN_STACK = List.of("routing", "offered");

    /** One endpoint's queue, as last read. */
    private record EndpointQueue(AtomicLong depth, AtomicReference<Double> ageSeconds, AtomicLong paused) {
    }

    private final Pool pool;
    private final MeterRegistry registry;
    private final Clock clock;
    private final AtomicLong deadLetters = new AtomicLong();
    private final AtomicReference<Double> sweeperLagSeconds = new AtomicReference<>(0.0);
    private final Map<String, AtomicLong> stack = new ConcurrentHashMap<>();
    private final AtomicReference<Double> stackOldestSeconds = new AtomicReference<>(0.0);
    /** Every endpoint seen since start; one whose queue emptied reads 0 rather than keeping its last value. */
    private final Map<String, EndpointQueue> queues = new ConcurrentHashMap<>();

    public DatabaseGauges(Pool pool, MeterRegistry registry, Clock clock) {
        this.pool = pool;
        this.registry = registry;
        this.clock = clock;
        Gauge.builder(DEAD_LETTERS, deadLetters, AtomicLong::get)
                .description("Deliveries given up and waiting for an operator").register(registry);
        Gauge.builder(SWEEPER_LAG, sweeperLagSeconds, AtomicReference::get)
                .description("How long the oldest due referral step has been waiting (0 when none is due)")
                .register(registry);
        for (String status : IN_STACK) {
            AtomicLong count = new AtomicLong();
            stack.put(status, count);
            Gauge.builder(STACK, count, AtomicLong::get).tag("status", status)
                    .description("Referrals in the stack: arrived and not yet accepted, sent back or cancelled")
                    .register(registry);
        }
        Gauge.builder(STACK_OLDEST, stackOldestSeconds, AtomicReference::get)
                .description("Time in stack of the longest-waiting referral still in it (0 when the stack is empty)")
                .register(registry);
    }

    @Scheduled(every = "${hub.metrics.collect-interval}", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> collectOnSchedule() {
        // The gauges keep their last values while the database is away; readiness reports the outage itself.
        return collect().invoke(DatabaseOutage::noteAvailable)
                .onFailure().invoke(failure -> {
                    if (!DatabaseOutage.noteIfOutage(failure, "database gauges")) {
                        LOG.debugf("Could not read the database gauges: %s", failure);
                    }
                })
                .onFailure().recoverWithNull();
    }

    /** Reads every gauge from the database now. */
    public Uni<Void> collect() {
        Instant now = clock.instant();
        return Uni.combine().all().unis(collectQueues(now), collectDeadLetters(), collectSweeperLag(now),
                collectStack(now)).discardItems();
    }

    private Uni<Void> collectQueues(Instant now) {
        // A paused endpoint's backlog keeps counting (and ageing) here; the paused gauge says why it is not moving.
        return pool.preparedQuery("""
                SELECT destination, COALESCE(q.depth, 0) AS depth, q.oldest, p.destination IS NOT NULL AS paused
                FROM (SELECT destination, count(*) AS depth, min(pending_since) AS oldest
                      FROM delivery_outbox WHERE state = 'pending' GROUP BY destination) q
                FULL JOIN paused_destination p USING (destination)
                """).execute().invoke(rows -> {
            Set<String> seen = new HashSet<>();
            for (Row row : rows) {
                String endpoint = row.getString("destination");
                seen.add(endpoint);
                EndpointQueue queue = queue(endpoint);
                queue.depth().set(row.getLong("depth"));
                queue.ageSeconds().set(secondsSince(row.getOffsetDateTime("oldest"), now));
                queue.paused().set(row.getBoolean("paused") ? 1 : 0);
            }
            queues.forEach((endpoint, queue) -> {
                if (!seen.contains(endpoint)) {
                    queue.depth().set(0);
                    queue.ageSeconds().set(0.0);
                    queue.paused().set(0);
                }
            });
        }).replaceWithVoid();
    }

    private Uni<Void> collectDeadLetters() {
        return pool.preparedQuery("SELECT count(*) AS dead FROM delivery_outbox WHERE state = 'dead'").execute()
                .invoke(rows -> deadLetters.set(rows.iterator().next().getLong("dead"))).replaceWithVoid();
    }

    private Uni<Void> collectSweeperLag(Instant now) {
        return pool.preparedQuery("SELECT min(next_action_at) AS oldest FROM referral WHERE next_action_at <= $1")
                .execute(Tuple.of(now.atOffset(ZoneOffset.UTC)))
                .invoke(rows -> sweeperLagSeconds.set(secondsSince(rows.iterator().next().getOffsetDateTime("oldest"), now)))
                .replaceWithVoid();
    }

    private Uni<Void> collectStack(Instant now) {
        return pool.preparedQuery("""
                SELECT status, count(*) AS referrals, min(created_at) AS oldest
                FROM referral WHERE status = ANY ($1) GROUP BY status
                """).execute(Tuple.of(IN_STACK.toArray(String[]::new))).invoke(rows -> {
            Map<String, Long> counts = new HashMap<>();
            OffsetDateTime oldest = null;
            for (Row row : rows) {
                counts.put(row.getString("status"), row.getLong("referrals"));
                OffsetDateTime since = row.getOffsetDateTime("oldest");
                if (oldest == null || since.isBefore(oldest)) {
                    oldest = since;
                }
            }
            stack.forEach((status, count) -> count.set(counts.getOrDefault(status, 0L)));
            stackOldestSeconds.set(secondsSince(oldest, now));
        }).replaceWithVoid();
    }

    private EndpointQueue queue(String endpoint) {
        return queues.computeIfAbsent(endpoint, name -> {
            EndpointQueue queue = new EndpointQueue(new AtomicLong(), new AtomicReference<>(0.0), new AtomicLong());
            Gauge.builder(QUEUE_DEPTH, queue.depth(), AtomicLong::get).tag("endpoint", name)
                    .description("Undelivered messages per endpoint").register(registry);
            Gauge.builder(QUEUE_AGE, queue.ageSeconds(), AtomicReference::get).tag("endpoint", name)
                    .description("Age of the oldest undelivered message per endpoint").register(registry);
            Gauge.builder(PAUSED, queue.paused(), AtomicLong::get).tag("endpoint", name)
                    .description("1 while an operator has paused delivery to the endpoint").register(registry);
            return queue;
        });
    }

    private static double secondsSince(OffsetDateTime oldest, Instant now) {
        return oldest == null ? 0.0 : Math.max(0, Duration.between(oldest.toInstant(), now).toMillis() / 1000.0);
    }
}

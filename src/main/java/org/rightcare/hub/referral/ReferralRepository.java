package org.rightcare.hub.referral;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.support.KeysetQuery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Referrals in PostgreSQL. Methods that change state take the {@link SqlClient} of the caller's transaction, so
 * a service can change a referral and record why in one commit.
 */
@ApplicationScoped
public class ReferralRepository {

    /**
     * The incident comes back as text, parsed once into {@link Incident}: read as jsonb, the client would build a
     * JsonObject that then has to be written out again for Jackson to read (three passes, 7 % of the hub's CPU). The
     * callback URL and the correlation id come with the row, so a cascade step that locks it reads them no more.
     */
    private static final String COLUMNS = "id, cad_system, incident_id, status, incident::text AS incident, breach_at, created_at, updated_at, version, budget_ends_at, send_back_reason, callback_url, correlation_id";

    private final Pool pool;
    private final ObjectReader incidentReader;
    private final ObjectWriter incidentWriter;

    public ReferralRepository(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.incidentReader = json.readerFor(Incident.class);
        this.incidentWriter = json.writerFor(Incident.class);
    }

    public Uni<Optional<Referral>> findById(UUID id) {
        return findById(pool, id);
    }

    public Uni<Optional<Referral>> findById(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM referral WHERE id = $1")
                .execute(Tuple.of(id))
                .map(this::first);
    }

    public Uni<Optional<Referral>> findByIncident(String cadSystem, String incidentId) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM referral WHERE cad_system = $1 AND incident_id = $2")
                .execute(Tuple.of(cadSystem, incidentId))
                .map(this::first);
    }

    public Uni<Optional<Referral>> findByIncident(SqlClient tx, String cadSystem, String incidentId) {
        return tx.preparedQuery("SELECT " + COLUMNS + " FROM referral WHERE cad_system = $1 AND incident_id = $2")
                .execute(Tuple.of(cadSystem, incidentId))
                .map(this::first);
    }

    /**
     * How far ahead of the hub's clock an event's time may stand and still order the incident's events (the contract
     * refuses {@code occurredAt} more than 5 minutes ahead at the door; this bound holds whatever got past it).
     */
    static final java.time.Duration EVENT_TIME_AHEAD = java.time.Duration.ofMinutes(5);

    /**
     * Creates the referral for an incident, or brings an existing one up to the incident's newer picture. An
     * event older than the last one applied changes nothing (CADs retry, and retries overtake each other), and
     * then the current referral is returned unchanged. An event time is never kept beyond {@link #EVENT_TIME_AHEAD}
     * past {@code now}, and a stored one beyond that bound orders nothing: a far-future {@code occurredAt} cannot
     * block every later update of the incident, upgrades included.
     *
     * <p>
     * In the same statement the referral keeps its correlation id, or takes {@code correlationCandidate} if it has
     * none, and the event's trace becomes its latest (as {@link #correlate}); an event too old to apply correlates
     * by a statement of its own.
     */
    public Uni<Upserted> upsertIncident(SqlClient tx, UUID newId, String cadSystem, Incident incident, Instant breachAt,
            String callbackUrl, Instant eventAt, Instant now, String correlationCandidate, String traceParent) {
        String sql = """
                INSERT INTO referral (id, cad_system, incident_id, status, category, incident, breach_at, callback_url,
                                      last_event_at, version, created_at, updated_at, next_action_at,
                                      correlation_id, trace_parent)
                VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8, $9, 1, $10, $10, $10, $12, $13)
                ON CONFLICT (cad_system, incident_id) DO UPDATE SET
                    correlation_id = COALESCE(referral.correlation_id, EXCLUDED.correlation_id),
                    trace_parent = COALESCE(EXCLUDED.trace_parent, referral.trace_parent),
                    category = EXCLUDED.category,
                    incident = EXCLUDED.incident,
                    breach_at = EXCLUDED.breach_at,
                    callback_url = COALESCE(EXCLUDED.callback_url, referral.callback_url),
                    last_event_at = EXCLUDED.last_event_at,
                    version = referral.version + 1,
                    updated_at = EXCLUDED.updated_at
                WHERE referral.last_event_at <= EXCLUDED.last_event_at
                   OR referral.last_event_at > EXCLUDED.updated_at + $11::text::interval
                RETURNING %s
                """.formatted(COLUMNS);
        Tuple params = Tuple.tuple()
                .addUUID(newId).addString(cadSystem).addString(incident.incidentId())
                .addString(ReferralStatus.ROUTING.wireValue()).addString(incident.category().code())
                .addString(incidentJson(incident)).addOffsetDateTime(utc(breachAt)).addString(callbackUrl)
                .addOffsetDateTime(utc(boundedEventTime(eventAt, now))).addOffsetDateTime(utc(now))
                .addString(EVENT_TIME_AHEAD.toSeconds() + " seconds").addString(correlationCandidate)
                .addString(traceParent);
        return tx.preparedQuery(sql).execute(params).chain(rows -> {
            if (rows.size() > 0) {
                Row row = rows.iterator().next();
                return Uni.createFrom().item(new Upserted(toReferral(row), row.getString("correlation_id")));
            }
            return findByIncident(tx, cadSystem, incident.incidentId()).map(Optional::orElseThrow)
                    .chain(current -> correlate(tx, current.id(), correlationCandidate, traceParent)
                            .map(correlationId -> new Upserted(current, correlationId)));
        });
    }

    /** The referral as an incident's event left it, and the correlation id the incident keeps. */
    public record Upserted(Referral referral, String correlationId) {
    }

    /** The event's time as it may order the incident's events: never beyond {@link #EVENT_TIME_AHEAD} from now. */
    public static Instant boundedEventTime(Instant eventAt, Instant now) {
        Instant latest = now.plus(EVENT_TIME_AHEAD);
        return eventAt.isAfter(latest) ? latest : eventAt;
    }

    /**
     * Gives the referral its correlation id if it has none yet ({@code candidate}: the CAD's or a new one) and returns
     * the one it keeps: an incident's id is set by its first event and never changes. The trace of the event's
     * request, when there is one, becomes the referral's latest.
     */
    public Uni<String> correlate(SqlClient tx, UUID id, String candidate, String traceParent) {
        return tx.preparedQuery("""
                UPDATE referral SET correlation_id = COALESCE(correlation_id, $2),
                                    trace_parent = COALESCE($3, trace_parent)
                WHERE id = $1 RETURNING correlation_id
                """).execute(Tuple.of(id, candidate, traceParent))
                .map(rows -> rows.size() == 0 ? candidate : rows.iterator().next().getString("correlation_id"));
    }

    /** The referral's correlation id; null for a referral stored before the hub kept them. */
    public Uni<String> correlationId(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT correlation_id FROM referral WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("correlation_id"));
    }

    /** Locks the incident's referral for a change, waiting for any other transaction that holds it. */
    public Uni<Optional<Referral>> lockByIncident(SqlClient tx, String cadSystem, String incidentId) {
        return tx.preparedQuery("SELECT " + COLUMNS + " FROM referral WHERE cad_system = $1 AND incident_id = $2 FOR UPDATE")
                .execute(Tuple.of(cadSystem, incidentId)).map(this::first);
    }

    /** Locks the referral for a change, waiting for any other transaction that holds it. */
    public Uni<Optional<Referral>> lockById(SqlClient tx, UUID id) {
        return tx.preparedQuery("SELECT " + COLUMNS + " FROM referral WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(id)).map(this::first);
    }

    static final String LOCK_BY_OFFER = "SELECT " + COLUMNS
            + " FROM referral WHERE id = (SELECT referral_id FROM offer WHERE id = $1) FOR UPDATE";

    /**
     * Locks the referral an offer is for, waiting for any other transaction that holds it: a provider's answer takes
     * the lock the send-back loop takes, in one statement from the offer's id. Empty when there is no such offer.
     */
    public Uni<Optional<Referral>> lockByOffer(SqlClient tx, UUID offerId) {
        return tx.preparedQuery(LOCK_BY_OFFER).execute(Tuple.of(offerId)).map(this::first);
    }

    // Whether others are due, as the earliest next action of the others: the index on next_action_at answers it from
    // its first entries, a plan that rests on no guess of how many are due. Asked as "EXISTS (... WHERE
    // next_action_at <= $2)", the generic plan PostgreSQL kept after five calls read the whole table instead: 4.5 ms a
    // call at 100 incidents a second (issue 21's ninth round; DueStatementPlansTest).
    static final String LOCK_IF_DUE = "SELECT " + COLUMNS + """
            , coalesce((SELECT min(other.next_action_at) FROM referral other WHERE other.id <> $1) <= $2, false)
              AS others_due
            FROM referral WHERE id = $1 AND next_action_at <= $2 FOR UPDATE SKIP LOCKED""";

    /**
     * Locks the referral if the send-back loop is due to look at it and no other replica is already doing so; empty
     * otherwise. This is what makes each deadline fire once in effect across replicas.
     */
    public Uni<Optional<Due>> lockIfDue(SqlClient tx, UUID id, Instant now) {
        return tx.preparedQuery(LOCK_IF_DUE).execute(Tuple.of(id, utc(now)))
                .map(rows -> first(rows).map(referral -> new Due(referral,
                        rows.iterator().next().getBoolean("others_due"))));
    }

    /**
     * A referral locked for its due step, and whether any other referral was due as it was taken (whoever holds
     * those): a routing lane goes on to them after its own only when there were any, and asks no more otherwise.
     */
    public record Due(Referral referral, boolean othersDue) {
    }

    static final String LOCK_NEXT_DUE = "SELECT " + COLUMNS + """
             FROM referral WHERE next_action_at <= $1
            ORDER BY next_action_at LIMIT 1 FOR UPDATE SKIP LOCKED""";

    /** The referral whose next action has been due longest, locked, skipping any another transaction holds. */
    public Uni<Optional<Referral>> lockNextDue(SqlClient tx, Instant now) {
        return tx.preparedQuery(LOCK_NEXT_DUE).execute(Tuple.of(utc(now))).map(this::first);
    }

    /**
     * Makes every referral with an offer open to one of these services due now, in the caller's transaction: their
     * directory entry or capacity is changing, so the send-back loop must re-check those offers against the router's
     * rules at once (the change and the request to re-check commit together, whichever replica then sweeps). Returns
     * how many referrals were made due.
     */
    public Uni<Integer> recheckOpenOffersOf(SqlClient tx, Collection<String> serviceIds, Instant now) {
        if (serviceIds.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return tx.preparedQuery("""
                UPDATE referral SET next_action_at = $2
                WHERE status = 'offered' AND next_action_at > $2
                  AND id IN (SELECT referral_id FROM offer
                             WHERE service_id = ANY($1) AND status IN ('requested', 'received'))""")
                .execute(Tuple.of(serviceIds.toArray(String[]::new), utc(now))).map(rows -> rows.rowCount());
    }

    /**
     * Makes every referral with an open offer due now, in the caller's transaction: the routing policy changed, so
     * the send-back loop must re-check every open offer against the new rules at once. Returns how many referrals
     * were made due.
     */
    public Uni<Integer> recheckAllOpenOffers(SqlClient tx, Instant now) {
        return tx.preparedQuery("""
                UPDATE referral SET next_action_at = $1
                WHERE status = 'offered' AND next_action_at > $1
                  AND id IN (SELECT referral_id FROM offer WHERE status IN ('requested', 'received'))""")
                .execute(Tuple.of(utc(now))).map(rows -> rows.rowCount());
    }

    /** Looks again later at a referral whose step failed, so one bad case cannot hold up the others. */
    public Uni<Void> postpone(SqlClient client, UUID id, Instant until) {
        return client.preparedQuery("UPDATE referral SET next_action_at = $2 WHERE id = $1 AND next_action_at IS NOT NULL")
                .execute(Tuple.of(id, utc(until))).replaceWithVoid();
    }

    /**
     * Counts one more failed step of the referral and looks again at {@code retryAt}; returns the failures in a row
     * so far (0 when the referral no longer waits for a step).
     */
    public Uni<Integer> recordStepFailure(SqlClient client, UUID id, Instant retryAt) {
        return client.preparedQuery("""
                UPDATE referral SET step_failures = step_failures + 1, next_action_at = $2
                WHERE id = $1 AND next_action_at IS NOT NULL
                RETURNING step_failures""").execute(Tuple.of(id, utc(retryAt)))
                .map(rows -> rows.size() == 0 ? 0 : rows.iterator().next().getInteger("step_failures"));
    }

    /**
     * The last resort when even sending a failing case back fails: the case leaves the loop as sent back
     * ({@code hub-error}) with no listener told, so it is not retried for ever; the CAD can still poll it.
     */
    public Uni<Void> abandon(SqlClient client, UUID id, Instant now) {
        return client.preparedQuery("""
                UPDATE referral SET status = 'sent-back', send_back_reason = $2, next_action_at = NULL,
                                    updated_at = $3, version = version + 1, concluded_at = COALESCE(concluded_at, $3)
                WHERE id = $1 AND status IN ('routing', 'offered')""")
                .execute(Tuple.of(id, SendBackReason.HUB_ERROR.code(), utc(now))).replaceWithVoid();
    }

    /**
     * Records where the referral stands in its cascade. The step changes nothing of the incident, so the referral
     * returned keeps {@code locked}'s: read again, it would be parsed again, a third of the cost of every referral read.
     *
     * @param locked the referral as this transaction read it under its row lock
     * @param nextActionAt when the loop must look again; null once the referral is terminal
     */
    public Uni<Referral> updateCascade(SqlClient tx, Referral locked, ReferralStatus status, Instant nextActionAt,
            Instant budgetEndsAt, SendBackReason sendBackReason, Instant now) {
        Tuple params = Tuple.tuple().addUUID(locked.id()).addString(status.wireValue()).addOffsetDateTime(utc(nextActionAt))
                .addOffsetDateTime(utc(budgetEndsAt)).addString(sendBackReason == null ? null : sendBackReason.code())
                .addOffsetDateTime(utc(now))
                .addBoolean(status.isTerminal());
        return tx.preparedQuery("""
                UPDATE referral SET status = $2, next_action_at = $3, budget_ends_at = $4, send_back_reason = $5,
                                    updated_at = $6, version = version + 1, step_failures = 0,
                                    concluded_at = CASE WHEN $7 THEN COALESCE(concluded_at, $6) END
                WHERE id = $1
                RETURNING %s""".formatted(COLUMNS))
                .execute(params).map(rows -> toReferral(rows.iterator().next(), locked.incident()));
    }

    /** The referrals with these ids that exist, in no particular order. */
    public Uni<List<Referral>> findByIds(SqlClient client, Collection<UUID> ids) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM referral WHERE id = ANY($1)")
                .execute(Tuple.of(ids.toArray(UUID[]::new)))
                .map(rows -> {
                    List<Referral> found = new ArrayList<>(rows.size());
                    rows.forEach(row -> found.add(toReferral(row)));
                    return found;
                });
    }

    /**
     * The open referrals (routing or offered), soonest to breach first: what a stack view must never cut off.
     *
     * @param offeredTo with {@code orOpenIn}: only those offered to this organisation or of these categories (a
     *        provider's stack, narrowed further by its caller); null for every open referral
     */
    public Uni<List<Referral>> openSoonestToBreach(String offeredTo, Set<ArpCategory> orOpenIn, int limit) {
        KeysetQuery sql = new KeysetQuery().where("status IN ('routing', 'offered')");
        if (offeredTo != null) {
            sql.where("(EXISTS (SELECT 1 FROM offer o WHERE o.referral_id = referral.id AND o.ods_code = ?)"
                    + " OR category = ANY(?))", offeredTo,
                    orOpenIn.stream().map(ArpCategory::code).toArray(String[]::new));
        }
        String statement = sql.sql("SELECT " + COLUMNS + " FROM referral", "breach_at", true, null, null, limit);
        return pool.preparedQuery(statement).execute(sql.params()).map(rows -> {
            List<Referral> found = new ArrayList<>(rows.size());
            rows.forEach(row -> found.add(toReferral(row)));
            return found;
        });
    }

    /** One page of a search, in the query's order; the caller narrows it further and asks for the next. */
    public Uni<List<Referral>> search(ReferralQuery query) {
        KeysetQuery sql = new KeysetQuery();
        if (query.referralId() != null) {
            sql.where("id = ?", query.referralId());
        }
        if (query.statuses() != null && !query.statuses().isEmpty()) {
            sql.where("status = ANY(?)",
                    (Object) query.statuses().stream().map(ReferralStatus::wireValue).toArray(String[]::new));
        }
        if (query.categories() != null && !query.categories().isEmpty()) {
            sql.where("category = ANY(?)", (Object) query.categories().stream().map(ArpCategory::code).toArray(String[]::new));
        }
        if (query.nhsNumber() != null) {
            sql.where("incident -> 'patient' ->> 'nhsNumber' = ?", query.nhsNumber());
        }
        if (query.offeredTo() != null) {
            String offered = "EXISTS (SELECT 1 FROM offer o WHERE o.referral_id = referral.id AND o.ods_code = ?)";
            if (query.orOpenIn() != null && !query.orOpenIn().isEmpty()) {
                sql.where("(" + offered + " OR (status IN ('routing', 'offered') AND category = ANY(?)))",
                        query.offeredTo(), query.orOpenIn().stream().map(ArpCategory::code).toArray(String[]::new));
            } else {
                sql.where(offered, query.offeredTo());
            }
        }
        sql.between("updated_at", query.updatedAfter(), query.updatedBefore());
        String statement = sql.sql("SELECT " + COLUMNS + " FROM referral", "updated_at", query.ascending(),
                query.after() == null ? null : query.after().updatedAt(),
                query.after() == null ? null : query.after().id(), query.limit());
        return pool.preparedQuery(statement).execute(sql.params()).map(rows -> {
            List<Referral> page = new ArrayList<>(rows.size());
            rows.forEach(row -> page.add(toReferral(row)));
            return page;
        });
    }

    private Optional<Referral> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(toReferral(rows.iterator().next()));
    }

    Referral toReferral(Row row) {
        return toReferral(row, fromJson(row.getString("incident")));
    }

    /** The row as a referral whose incident is already known. */
    private static Referral toReferral(Row row, Incident incident) {
        return new Referral(
                row.getUUID("id"),
                row.getString("cad_system"),
                row.getString("incident_id"),
                ReferralStatus.fromWireValue(row.getString("status")).orElseThrow(),
                incident,
                row.getOffsetDateTime("breach_at").toInstant(),
                row.getOffsetDateTime("created_at").toInstant(),
                row.getOffsetDateTime("updated_at").toInstant(),
                row.getInteger("version"),
                row.getOffsetDateTime("budget_ends_at") == null ? null : row.getOffsetDateTime("budget_ends_at").toInstant(),
                sendBackReason(row.getString("send_back_reason")),
                row.getString("callback_url"),
                row.getString("correlation_id"));
    }

    /** The stored reason code, which only this repository writes, from {@link SendBackReason#code()}. */
    private static SendBackReason sendBackReason(String code) {
        return code == null ? null
                : SendBackReason.fromCode(code)
                        .orElseThrow(() -> new IllegalStateException("Not a send-back reason code: " + code));
    }

    /** The incident as the referral stores it. */
    public String incidentJson(Incident incident) {
        try {
            return incidentWriter.writeValueAsString(incident);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An Incident record always serialises", e);
        }
    }

    private Incident fromJson(String text) {
        try {
            return incidentReader.readValue(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored incident is not readable: " + e.getOriginalMessage(), e);
        }
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}

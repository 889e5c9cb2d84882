package org.rightcare.hub.intake;

import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.rightcare.hub.cascade.DueReferralSweeper;
import org.rightcare.hub.cascade.ReferralCascade;
import org.rightcare.hub.delivery.DeliveryTracing;
import org.rightcare.hub.metrics.AfterCommitCounts;
import org.rightcare.hub.metrics.HubMetrics;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralRepository;
import org.rightcare.hub.referral.ReferralStatus;
import org.rightcare.hub.support.CorrelationId;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Turns a valid, authenticated CAD event into durable state: the event and the referral change are committed in
 * one transaction, and only then is the CAD told 202. A retry of the same event gets the same answer and does no
 * new work.
 */
@ApplicationScoped
public class IntakeService {

    private static final Logger LOG = Logger.getLogger(IntakeService.class);

    /** What the webhook should answer. */
    public sealed interface Outcome {
    }

    /** Stored now, or stored before under the same eventId with a byte-identical body (a replay). */
    public record Acknowledged(UUID referralId, int status, String body, boolean replay) implements Outcome {
    }

    /** The eventId was used before for a different body. */
    public record EventIdConflict() implements Outcome {
    }

    /** A cancel or close for an incident the hub never received. */
    public record UnknownIncident() implements Outcome {
    }

    static final int ACCEPTED = 202;

    private final Pool pool;
    private final CadEventRepository events;
    private final ReferralRepository referrals;
    private final ReferralCascade cascade;
    private final DueReferralSweeper sweeper;
    private final IntakeConfig config;
    private final HubMetrics metrics;
    private final Clock clock;
    private final GroupCommit groupCommit;
    private final IncidentOrder order = new IncidentOrder();

    public IntakeService(Pool pool, CadEventRepository events, ReferralRepository referrals, ReferralCascade cascade,
            DueReferralSweeper sweeper, IntakeConfig config, HubMetrics metrics, Clock clock,
            GroupCommit groupCommit) {
        this.pool = pool;
        this.events = events;
        this.groupCommit = groupCommit;
        this.referrals = referrals;
        this.cascade = cascade;
        this.sweeper = sweeper;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * @param fhirBase the absolute base URL of the hub's FHIR API, for the ServiceRequest link in the answer
     * @param correlationId the id for the incident's logs and deliveries if it has none yet (see {@link CorrelationId})
     */
    public Uni<Outcome> accept(CadEvent event, byte[] body, URI fhirBase, String correlationId) {
        byte[] sha256 = sha256(body);
        // Read here, on the request's own context: the database callbacks below may run where no span is current.
        String traceParent = DeliveryTracing.currentTraceParent();
        // Work resumed from a group commit or from the incident's previous event comes back to this request's context,
        // whose log lines and correlation id are this request's.
        Executor onThisRequest = IncidentOrder.currentContext();
        // No look-up first: a replay is rare, and the event's unique key finds it inside the transaction, which then
        // rolls back and answers from the stored event. That saves every new event a round trip.
        return order.inTurn(event.cadSystem(), event.incident().incidentId(), onThisRequest,
                () -> event.eventType() == CadEventType.CREATED
                        ? storeNew(event, body, sha256, fhirBase, correlationId, traceParent, onThisRequest)
                        : store(event, body, sha256, fhirBase, correlationId, traceParent));
    }

    /**
     * A created event goes to the group commit, which stores it if its incident is new; otherwise (a known incident,
     * a replay, a batch that failed without an outage) it is stored one by one, as every other event is.
     */
    private Uni<Outcome> storeNew(CadEvent event, byte[] body, byte[] sha256, URI fhirBase, String correlationId,
            String traceParent, Executor onThisRequest) {
        Instant now = clock.instant();
        UUID referralId = UUID.randomUUID();
        String answer = answer(referralId, ReferralStatus.ROUTING, fhirBase);
        Incident incident = event.incident();
        CadEventRepository.NewIncident newIncident = new CadEventRepository.NewIncident(event, body, sha256, now,
                referralId, referrals.incidentJson(incident), breachTime(incident),
                ReferralRepository.boundedEventTime(event.occurredAt(), now), correlationId, traceParent, answer);
        return groupCommit.store(newIncident).emitOn(onThisRequest).chain(stored -> {
            if (!stored) {
                return store(event, body, sha256, fhirBase, correlationId, traceParent);
            }
            CorrelationId.use(correlationId);
            metrics.cadEventAccepted(event.eventType().wireValue(), event.cadSystem());
            acknowledged(event, referralId);
            return Uni.createFrom().item(new Acknowledged(referralId, ACCEPTED, answer, false));
        });
    }

    private Uni<Outcome> store(CadEvent event, byte[] body, byte[] sha256, URI fhirBase, String correlationId,
            String traceParent) {
        Instant now = clock.instant();
        AfterCommitCounts counts = new AfterCommitCounts();
        return pool.withTransaction(tx -> applyToReferral(tx, event, correlationId, traceParent, now, counts)
                .chain(referral -> {
                    if (referral.isEmpty()) {
                        return Uni.createFrom().failure(new UnknownIncidentException());
                    }
                    String answer = answer(referral.get().id(), referral.get().status(), fhirBase);
                    return events.insert(tx, event, body, sha256, referral.get().id(), ACCEPTED, answer, now)
                            .chain(inserted -> inserted
                                    ? Uni.createFrom()
                                            .item((Outcome) new Acknowledged(referral.get().id(), ACCEPTED, answer, false))
                                    : Uni.createFrom().failure(new DuplicateEventException()));
                }))
                .invoke(committed -> {
                    metrics.committed(counts);
                    metrics.cadEventAccepted(event.eventType().wireValue(), event.cadSystem());
                })
                .onFailure(DuplicateEventException.class).recoverWithUni(() -> events
                        .find(event.cadSystem(), event.eventId())
                        .map(stored -> replayOrConflict(stored.orElseThrow(), sha256)))
                // A cancel or close that finds no referral may still reuse a stored event's id: that is a conflict.
                .onFailure(UnknownIncidentException.class).recoverWithUni(() -> events
                        .find(event.cadSystem(), event.eventId())
                        .map(stored -> stored.map(s -> replayOrConflict(s, sha256)).orElseGet(UnknownIncident::new)))
                .invoke(outcome -> {
                    if (outcome instanceof Acknowledged a && !a.replay()) {
                        acknowledged(event, a.referralId());
                    }
                });
    }

    private void acknowledged(CadEvent event, UUID referralId) {
        LOG.debugf("Stored %s %s for incident %s/%s", event.eventType().wireValue(), event.eventId(),
                event.cadSystem(), event.incident().incidentId());
        // Committed: route it now rather than at the next sweep.
        sweeper.kick(referralId);
    }

    private Uni<Optional<Referral>> applyToReferral(SqlClient tx, CadEvent event, String correlationId,
            String traceParent, Instant now, AfterCommitCounts counts) {
        Incident incident = event.incident();
        return switch (event.eventType()) {
            case CREATED, UPDATED -> referrals.upsertIncident(tx, UUID.randomUUID(), event.cadSystem(), incident,
                    breachTime(incident), event.callbackUrl() == null ? null : event.callbackUrl().toString(),
                    event.occurredAt(), now, correlationId, traceParent)
                    .invoke(upserted -> CorrelationId.use(upserted.correlationId()))
                    .map(ReferralRepository.Upserted::referral)
                    // An upgrade to an ambulance-only category withdraws every open offer in this same transaction.
                    .chain(referral -> referral.version() > 1 ? cascade.incidentChanged(tx, referral, now, counts)
                            : Uni.createFrom().item(referral))
                    .map(Optional::of);
            // A cancel withdraws the referral whatever a service has done with it, so an accepting service is told.
            case CANCELLED -> referrals.lockByIncident(tx, event.cadSystem(), incident.incidentId())
                    .chain(found -> found.isEmpty() ? Uni.createFrom().item(Optional.<Referral> empty())
                            : correlate(tx, found.get(), correlationId, traceParent)
                                    .chain(() -> cascade.cancelledByCad(tx, found.get(), true, now, counts))
                                    .map(Optional::of));
            // Closing the CAD incident is normal once a service has accepted; it only withdraws open referrals.
            case CLOSED -> referrals.lockByIncident(tx, event.cadSystem(), incident.incidentId())
                    .chain(found -> found.isEmpty() ? Uni.createFrom().item(Optional.<Referral> empty())
                            : correlate(tx, found.get(), correlationId, traceParent)
                                    .chain(() -> cascade.cancelledByCad(tx, found.get(), false, now, counts))
                                    .map(Optional::of));
        };
    }

    /**
     * From here on, this request's log lines (and the routing it starts) carry the incident's correlation id, and the
     * deliveries written for it join this request's trace.
     */
    private Uni<Void> correlate(SqlClient tx, Referral referral, String candidate, String traceParent) {
        return referrals.correlate(tx, referral.id(), candidate, traceParent).invoke(CorrelationId::use)
                .replaceWithVoid();
    }

    /** The ambulance response breach time: the call's receipt plus the category's target. */
    Instant breachTime(Incident incident) {
        Integer minutes = config.breachMinutes().get(incident.category().code());
        if (minutes == null) {
            throw new IllegalStateException("hub.intake.breach-minutes has no entry for " + incident.category().code());
        }
        return incident.receivedAt().plus(Duration.ofMinutes(minutes));
    }

    private static String answer(UUID referralId, ReferralStatus status, URI fhirBase) {
        return new JsonObject()
                .put("referralId", referralId.toString())
                .put("status", status.wireValue())
                .put("serviceRequest", fhirBase.resolve("ServiceRequest/" + referralId).toString())
                .encode();
    }

    private static Outcome replayOrConflict(CadEventRepository.StoredEvent stored, byte[] sha256) {
        return MessageDigest.isEqual(stored.bodySha256(), sha256)
                ? new Acknowledged(stored.referralId(), stored.responseStatus(), stored.responseBody(), true)
                : new EventIdConflict();
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Rolls the transaction back: another delivery of the same event committed first. */
    private static final class DuplicateEventException extends RuntimeException {
        DuplicateEventException() {
            super(null, null, false, false);
        }
    }

    /** Rolls the transaction back: nothing to cancel. */
    private static final class UnknownIncidentException extends RuntimeException {
        UnknownIncidentException() {
            super(null, null, false, false);
        }
    }
}

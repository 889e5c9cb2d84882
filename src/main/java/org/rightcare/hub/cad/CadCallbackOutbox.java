package org.rightcare.hub.cad;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.rightcare.hub.delivery.DeliveryOutbox;
import org.rightcare.hub.delivery.NewDelivery;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.support.PublicUrls;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Queues CAD callbacks in the delivery outbox. Call it inside the transaction that records the outcome: the callback
 * goes out only if that transaction commits, at least once, in order per incident, signed at send time.
 *
 * <p>
 * The callback goes to the referral's own {@code callbackUrl} (from the CAD's event), else the CAD system's
 * configured {@code callback-url}. With neither, it is stored as a dead letter at once (listed for operators, and
 * the CAD can still poll) rather than dropped.
 */
@ApplicationScoped
public class CadCallbackOutbox {

    private static final Logger LOG = Logger.getLogger(CadCallbackOutbox.class);

    private final DeliveryOutbox outbox;
    private final CadSystemRegistry cadSystems;
    private final PublicUrls urls;
    private final ObjectMapper json;
    private final Clock clock;

    public CadCallbackOutbox(DeliveryOutbox outbox, CadSystemRegistry cadSystems, PublicUrls urls, ObjectMapper json,
            Clock clock) {
        this.outbox = outbox;
        this.cadSystems = cadSystems;
        this.urls = urls;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Queues the callback in the caller's transaction (transactional outbox): it is sent only if that transaction
     * commits. The caller holds the referral's row lock, as every cascade step does ({@code referral} is the row as
     * read or updated under it): that lock keeps the callbacks of one incident in commit order, and makes its
     * {@code callbackUrl} the current one.
     */
    public Uni<Void> enqueue(SqlClient tx, Referral referral, CadCallback callback) {
        return outbox.enqueue(tx, delivery(referral, callback));
    }

    private NewDelivery delivery(Referral referral, CadCallback callback) {
        UUID eventId = UUID.randomUUID();
        String cadSystem = referral.cadSystem();
        String ownUrl = referral.callbackUrl();
        URI url = ownUrl != null ? URI.create(ownUrl)
                : cadSystems.isKnown(cadSystem) ? cadSystems.defaultCallbackUrl(cadSystem).orElse(null) : null;
        String undeliverable = null;
        if (url == null) {
            undeliverable = cadSystems.isKnown(cadSystem) ? CadCallbackChannel.noUrl(cadSystem)
                    : CadCallbackChannel.notConfigured(cadSystem);
            LOG.warnf("CAD callback %s (%s) for incident %s/%s stored as a dead letter: %s", eventId,
                    callback.type().wireValue(), cadSystem, referral.incidentId(), undeliverable);
        }
        return new NewDelivery(eventId, CadCallbackChannel.NAME, cadSystem, orderingKey(referral), referral.id(), url,
                undeliverable, "application/json", body(eventId, referral, callback));
    }

    /** One queue position per incident: its callbacks go out one at a time, in the order they were committed. */
    static String orderingKey(Referral referral) {
        return referral.cadSystem() + "/" + referral.incidentId();
    }

    private String body(UUID eventId, Referral referral, CadCallback callback) {
        return body(json, urls.fhirBase(), eventId, clock.instant().truncatedTo(ChronoUnit.MILLIS), referral, callback);
    }

    /**
     * The callback's body as contract v1 shapes it, and as {@code cad/cad-callback-v1.schema.json} publishes it: the
     * one place it is written, so that the schema's tests check what the outbox sends.
     */
    static String body(ObjectMapper json, URI fhirBase, UUID eventId, Instant occurredAt, Referral referral,
            CadCallback callback) {
        CadCallbackEvent event = new CadCallbackEvent(eventId.toString(), callback.type().wireValue(), occurredAt,
                referral.cadSystem(), referral.incidentId(), referral.id().toString(),
                fhirBase.resolve("ServiceRequest/" + referral.id()).toString(), callback.status().wireValue(),
                callback.service(), callback.reason(), callback.attempts(), callback.outcome());
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A CAD callback always serialises", e);
        }
    }
}

package org.rightcare.hub.cad;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.cascade.ReferralChange;
import org.rightcare.hub.cascade.ReferralListener;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.referral.CareOutcome;
import org.rightcare.hub.referral.SendBackReason;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Tells the CAD of every step of its referral that the contract has a callback for (offered, accepted, completed,
 * sent back, cancelled), each with every service tried so far and what it answered; queued through the
 * {@link CadCallbackOutbox} in the step's own transaction.
 */
@ApplicationScoped
@Priority(ReferralListener.CAD)
public class ReferralCallbacks implements ReferralListener {

    private final CadCallbackOutbox outbox;

    public ReferralCallbacks(CadCallbackOutbox outbox) {
        this.outbox = outbox;
    }

    @Override
    public Uni<Void> offerMade(SqlClient tx, ReferralChange change, Offer offer, CommunityService service) {
        return send(tx, change, CadCallbackType.OFFERED, Optional.of(service), null);
    }

    @Override
    public Uni<Void> accepted(SqlClient tx, ReferralChange change, Offer offer, Optional<CommunityService> service) {
        return send(tx, change, CadCallbackType.ACCEPTED, service, null);
    }

    @Override
    public Uni<Void> completed(SqlClient tx, ReferralChange change, Offer offer, Optional<CommunityService> service) {
        return send(tx, change, CadCallbackType.COMPLETED, service, null);
    }

    @Override
    public Uni<Void> sentBack(SqlClient tx, ReferralChange change, SendBackReason reason) {
        return send(tx, change, CadCallbackType.SENT_BACK, Optional.empty(), reason);
    }

    @Override
    public Uni<Void> cancelled(SqlClient tx, ReferralChange change) {
        return send(tx, change, CadCallbackType.CANCELLED, Optional.empty(), null);
    }

    /** The CAD sent the new picture itself, and the case stays where it is: there is nothing to tell it. */
    @Override
    public Uni<Void> pictureChanged(SqlClient tx, ReferralChange change, Offer holding, CommunityService service) {
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> send(SqlClient tx, ReferralChange change, CadCallbackType type,
            Optional<CommunityService> service, SendBackReason reason) {
        return outbox.enqueue(tx, change.after(), callback(type, change, service, reason));
    }

    /**
     * The contract's callback: the service concerned, the send-back reason with the words a person gave for it, every
     * attempt so far with its service's own words, and the final answer when a service gave one.
     */
    static CadCallback callback(CadCallbackType type, ReferralChange change, Optional<CommunityService> service,
            SendBackReason reason) {
        List<CadCallback.Attempt> attempts = new ArrayList<>(change.offers().size());
        for (Offer offer : change.offers()) {
            attempts.add(new CadCallback.Attempt(offer.serviceId(), offer.status().code(),
                    offer.reason() == null ? null : offer.reason().asSendBackReason().code(),
                    offer.answeredAt() != null ? offer.answeredAt() : offer.offeredAt(),
                    offer.reason() == null ? null : offer.reason().text()));
        }
        return new CadCallback(type, change.after().status(),
                service.map(s -> new CadCallback.ServiceSummary(s.id(), s.name(), s.type().code(), s.odsCode(),
                        s.dosServiceId())).orElse(null),
                reason == null ? null : new CadCallback.Reason(reason.code(), reason.display(), change.reasonText()),
                attempts, outcome(change.outcome()));
    }

    private static CadCallback.Outcome outcome(CareOutcome outcome) {
        if (outcome == null || outcome.isEmpty()) {
            return null;
        }
        return new CadCallback.Outcome(outcome.dispositionCode() == null ? null
                : new CadCallback.Coding(outcome.dispositionSystem(), outcome.dispositionCode(),
                        outcome.dispositionDisplay()),
                outcome.arpCategory() == null ? null : outcome.arpCategory().code(), outcome.summary());
    }
}

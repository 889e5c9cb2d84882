package org.rightcare.hub.cascade;

import java.util.Optional;

import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.referral.SendBackReason;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Who is told of a referral's life, and what: the cascade's port to the parties outside it (the CAD by callback,
 * providers by subscription). The cascade calls every listener inside the transaction that made the change, so
 * whatever a listener queues (an outbox row) commits with the change or not at all; it never calls a listener for a
 * change that did not happen. A listener only tells: it never changes the referral or its offers, and a failure
 * rolls the whole step back.
 *
 * <p>
 * The order is fixed: within one step, the offer's own transport ({@link OfferTransport}) first, then the
 * listeners in descending {@link jakarta.annotation.Priority}: {@link #SUBSCRIBERS}, then {@link #CAD}. Each
 * listener's deliveries are ordered per destination by the outbox, so the order between listeners only decides the
 * order of rows in one transaction; it is fixed so that a step always writes the same rows the same way.
 *
 * <p>
 * Every method is abstract on purpose: a new event (an acceptance recalled, a clinical picture that changed under
 * an open offer) is a new method here, and each listener must then say what it does with it.
 */
public interface ReferralListener {

    /** The subscriptions' priority: they hear of a step before the CAD. */
    int SUBSCRIBERS = 200;
    /** The CAD callbacks' priority. */
    int CAD = 100;

    /** The case was offered to {@code service}: {@code offer} is open, and in {@link ReferralChange#offers()}. */
    Uni<Void> offerMade(SqlClient tx, ReferralChange change, Offer offer, CommunityService service);

    /**
     * A service took the case ({@code offer} accepted: answered, or claimed from the stack); {@code service} is empty
     * when it has left the directory since.
     */
    Uni<Void> accepted(SqlClient tx, ReferralChange change, Offer offer, Optional<CommunityService> service);

    /** The accepting service finished its care. */
    Uni<Void> completed(SqlClient tx, ReferralChange change, Offer offer, Optional<CommunityService> service);

    /** The case went back to the ambulance service, for {@code reason}; its offers are closed already. */
    Uni<Void> sentBack(SqlClient tx, ReferralChange change, SendBackReason reason);

    /** The CAD withdrew the case (cancelled, or closed before any service accepted it). */
    Uni<Void> cancelled(SqlClient tx, ReferralChange change);

    /**
     * The CAD sent a new clinical picture and {@code holding} (an open offer, or an acceptance) still holds under it:
     * the service holding the case must see the new picture. (A picture that breaks the holding is a
     * {@link #sentBack} or a new offer instead; an acceptance recalled is a {@link #sentBack} whose
     * {@link ReferralChange#before()} was accepted.)
     */
    Uni<Void> pictureChanged(SqlClient tx, ReferralChange change, Offer holding, CommunityService service);
}

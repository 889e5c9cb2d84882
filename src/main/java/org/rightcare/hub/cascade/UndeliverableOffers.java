package org.rightcare.hub.cascade;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.rightcare.hub.metrics.AfterCommitCounts;
import org.rightcare.hub.metrics.HubMetrics;
import org.rightcare.hub.offers.OfferRepository;
import org.rightcare.hub.referral.ReferralRepository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * An offer the outbox could not deliver counts as a failed offer ({@code hub:undeliverable}) and the send-back loop
 * moves the case on, so a provider that is down for good never strands a patient. Runs in the transaction that marks
 * the delivery dead. An offer already answered, timed out or withdrawn meanwhile is left as it is.
 */
@ApplicationScoped
public class UndeliverableOffers {

    private static final Logger LOG = Logger.getLogger(UndeliverableOffers.class);

    private final OfferRepository offers;
    private final ReferralRepository referrals;
    private final ReferralCascade cascade;
    private final HubMetrics metrics;
    private final Clock clock;

    public UndeliverableOffers(OfferRepository offers, ReferralRepository referrals, ReferralCascade cascade,
            HubMetrics metrics, Clock clock) {
        this.offers = offers;
        this.referrals = referrals;
        this.cascade = cascade;
        this.metrics = metrics;
        this.clock = clock;
    }

    public Uni<Void> offerFailed(SqlClient tx, UUID offerId) {
        Instant now = clock.instant();
        AfterCommitCounts counts = new AfterCommitCounts();
        return offers.findById(tx, offerId).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            // Lock the referral first, as the send-back loop does, then read the offer again under that lock.
            return referrals.lockById(tx, found.get().referralId())
                    .chain(referral -> offers.findById(tx, offerId).chain(offer -> {
                        if (referral.isEmpty() || offer.isEmpty() || !offer.get().status().isOpen()
                                || referral.get().status().isTerminal()) {
                            return Uni.createFrom().voidItem();
                        }
                        LOG.warnf("Offer %s of referral %s to %s could not be delivered: it failed, and the case moves on",
                                offerId, referral.get().id(), offer.get().serviceId());
                        return cascade.undeliverable(tx, referral.get(), offer.get(), now, counts).replaceWithVoid();
                    }));
        }).invoke(() -> {
            if (tx instanceof SqlConnection connection && connection.transaction() != null) {
                connection.transaction().completion().subscribe().with(committed -> metrics.committed(counts),
                        rolledBack -> {
                        });
            }
        });
    }
}

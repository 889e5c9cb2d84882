package org.rightcare.hub.routing;

import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.offers.OfferRepository;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralRepository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Reads a referral with its route (its latest routing decision and its offers) as of one moment, for the people and
 * systems that ask where it stands and why.
 */
@ApplicationScoped
public class ReferralRoutes {

    /** A referral and its route, read together. */
    public record RoutedReferral(Referral referral, ReferralRoute route) {
    }

    private final Pool pool;
    private final ReferralRepository referrals;
    private final RoutingDecisionRepository decisions;
    private final OfferRepository offers;

    public ReferralRoutes(Pool pool, ReferralRepository referrals, RoutingDecisionRepository decisions,
            OfferRepository offers) {
        this.pool = pool;
        this.referrals = referrals;
        this.decisions = decisions;
        this.offers = offers;
    }

    public Uni<Optional<RoutedReferral>> byId(UUID referralId) {
        return inOneSnapshot(tx -> referrals.findById(tx, referralId).chain(found -> withRoute(tx, found)));
    }

    public Uni<Optional<RoutedReferral>> byIncident(String cadSystem, String incidentId) {
        return inOneSnapshot(tx -> referrals.findByIncident(tx, cadSystem, incidentId)
                .chain(found -> withRoute(tx, found)));
    }

    private Uni<Optional<RoutedReferral>> withRoute(SqlClient tx, Optional<Referral> referral) {
        if (referral.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        UUID id = referral.get().id();
        return decisions.latest(tx, referral.get()).chain(decision -> offers.findByReferral(tx, id)
                .map(all -> Optional.of(new RoutedReferral(referral.get(), new ReferralRoute(decision, all)))));
    }

    /**
     * Runs the reads in one read-only REPEATABLE READ transaction. Read separately, a routing step that commits
     * between them shows a referral still "routing" at its old version next to the offer that step made.
     */
    private <T> Uni<T> inOneSnapshot(Function<SqlClient, Uni<T>> reads) {
        return pool.withTransaction(tx -> tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute().chain(() -> reads.apply(tx)));
    }
}

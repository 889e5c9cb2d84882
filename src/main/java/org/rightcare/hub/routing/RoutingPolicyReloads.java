package org.rightcare.hub.routing;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.rightcare.hub.audit.Actor;
import org.rightcare.hub.audit.AuditLog;
import org.rightcare.hub.audit.AuditRecord;
import org.rightcare.hub.referral.ReferralRepository;
import org.rightcare.hub.support.InvalidConfigurationException;
import org.rightcare.hub.support.ListenConnections;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Reloading the routing policy file on every replica. The replica an operator asks reads the file first, so an
 * invalid file is refused with every problem listed and nothing changes anywhere; a valid one is in force there at
 * once, audited, and announced with {@code NOTIFY} on {@value #CHANNEL}, on which every replica reads its own copy of
 * the file (the same ConfigMap). A replica whose copy is invalid (a half-synced mount) keeps its running policy and
 * says so in its log.
 * <p>
 * Every open offer is re-checked against the new policy (an offer made under a rule the reload removed or narrowed
 * is withdrawn): the replica asked marks every referral with an open offer due in the reload's audited transaction,
 * and every replica marks them again once its own copy is reloaded. A replica's sweep may take a referral before
 * that replica has read the new file and judge it by the old policy; the marking that follows its reload makes the
 * offer be looked at again by the new one, so no offer outlives the last replica's reload by more than a sweep.
 */
@ApplicationScoped
public class RoutingPolicyReloads {

    public static final String CHANNEL = "hub_routing_policy_reload";
    static final String ACTION = "routing-policy.reload";

    private static final Logger LOG = Logger.getLogger(RoutingPolicyReloads.class);

    /** The policy now in force after a reload. */
    public record Reloaded(String policyFile, int rules) {
    }

    private final RoutingPolicies policies;
    private final RoutingConfig config;
    private final Pool pool;
    private final AuditLog audit;
    private final ListenConnections listenConnections;
    private final ReferralRepository referrals;
    private final Clock clock;

    public RoutingPolicyReloads(RoutingPolicies policies, RoutingConfig config, Pool pool, AuditLog audit,
            ListenConnections listenConnections, ReferralRepository referrals, Clock clock) {
        this.policies = policies;
        this.config = config;
        this.pool = pool;
        this.audit = audit;
        this.listenConnections = listenConnections;
        this.referrals = referrals;
        this.clock = clock;
    }

    void listen(@Observes StartupEvent started) {
        listenConnections.channel(CHANNEL).handler(from -> reloadHere("a reload requested by " + from));
    }

    /**
     * Reloads here, then asks every replica to. Fails with {@link InvalidConfigurationException}, changing nothing,
     * when the file is invalid.
     */
    public Uni<Reloaded> reloadEverywhere(Actor actor) {
        return Uni.createFrom().item(policies::reload).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(policy -> {
                    Reloaded reloaded = new Reloaded(config.policyFile(), policy.rules().size());
                    LOG.infof("Routing policy %s reloaded by %s: %d rules", reloaded.policyFile(), actor.name(),
                            reloaded.rules());
                    return pool.withTransaction(tx -> audit.record(tx, new AuditRecord(actor.name(),
                            actor.organisation(), ACTION, "routing-policy", config.policyFile(), AuditRecord.SUCCESS,
                            new JsonObject().put("rules", reloaded.rules())))
                            .chain(() -> referrals.recheckAllOpenOffers(tx, clock.instant()))
                            .chain(() -> tx.preparedQuery("SELECT pg_notify($1, $2)")
                                    .execute(Tuple.of(CHANNEL, actor.name()))))
                            .replaceWith(reloaded);
                });
    }

    private void reloadHere(String why) {
        Uni.createFrom().item(policies::reload).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .invoke(policy -> LOG.infof("Routing policy %s reloaded after %s: %d rules", config.policyFile(), why,
                        policy.rules().size()))
                .onFailure().invoke(failure -> LOG.errorf("Routing policy %s not reloaded after %s; the running "
                        + "policy stays in force:%n%s", config.policyFile(), why, failure.getMessage()))
                // Offers this replica's sweep re-checked before it read the new file are looked at again now.
                .chain(policy -> pool.withTransaction(tx -> referrals.recheckAllOpenOffers(tx, clock.instant())))
                .subscribe().with(marked -> {
                }, failure -> {
                    if (!(failure instanceof InvalidConfigurationException)) {
                        LOG.warnf("Open offers not marked for a re-check after the routing policy reload: %s",
                                failure.toString());
                    }
                });
    }
}

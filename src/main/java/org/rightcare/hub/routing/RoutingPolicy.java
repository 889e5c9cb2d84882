package org.rightcare.hub.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.Incident;

/**
 * Which community service types suit which incidents: ordered rules that integration engineers own as data
 * (a YAML file in git), plus how long the hub may keep offering a case before it must go back.
 *
 * @param c2Segmentation C2 incidents may be routed at all only when a policy turns this on; C1, HCP and IFT never
 * @param timeBudgets per category: from the 999 call ({@code receivedAt}), how long the hub may cascade offers
 * @param rules tried in order; the first whose conditions all hold decides the preferred service types
 * @param offerPastBreach the service types that may still be offered a case whose breach time has passed, or would
 *        pass before they must answer (a virtual ward or a GP who can still usefully call the patient back); every
 *        other type is never offered such a case, which goes back as {@code breach-passed}
 */
public record RoutingPolicy(String source, boolean c2Segmentation, Map<ArpCategory, Duration> timeBudgets,
        List<RoutingRule> rules, Set<ServiceType> offerPastBreach) {

    public RoutingPolicy {
        offerPastBreach = Set.copyOf(offerPastBreach);
    }

    /** A policy with no exception to the breach rule. */
    public RoutingPolicy(String source, boolean c2Segmentation, Map<ArpCategory, Duration> timeBudgets,
            List<RoutingRule> rules) {
        this(source, c2Segmentation, timeBudgets, rules, Set.of());
    }

    /** Whether a service of {@code type} may be offered a case past (or about to pass) its breach time. */
    public boolean mayOfferPastBreach(ServiceType type) {
        return offerPastBreach.contains(type);
    }

    /** The first rule that applies to the incident (its conditions hold and it excludes none of its codes), if any. */
    public Optional<RoutingRule> ruleFor(Incident incident, Integer ageYears) {
        return rules.stream().filter(rule -> rule.appliesTo(incident, ageYears)).findFirst();
    }

    /** Whether the hub may route this category at all: the clinical safety line of the whole product. */
    public boolean mayRoute(ArpCategory category) {
        if (category == ArpCategory.C2) {
            return c2Segmentation;
        }
        return !category.isAmbulanceOnly();
    }

    /** The category's cascade budget; a category without one may not be routed for long: none at all. */
    public Duration timeBudget(ArpCategory category) {
        return timeBudgets.getOrDefault(category, Duration.ZERO);
    }
}

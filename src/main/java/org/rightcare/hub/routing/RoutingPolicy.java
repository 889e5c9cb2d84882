package org.rightcare.hub.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.Incident;

/**
 * Which community service types suit which incidents: ordered rules that integration engineers own as data
 * (a YAML file in git), plus how long the hub may keep offering a case before it must go back.
 *
 * @param c2Segmentation C2 incidents may be routed at all only when a policy turns this on; C1, HCP and IFT never
 * @param timeBudgets per category: from the 999 call ({@code receivedAt}), how long the hub may cascade offers
 * @param rules tried in order; the first whose conditions all hold decides the preferred service types
 */
public record RoutingPolicy(String source, boolean c2Segmentation, Map<ArpCategory, Duration> timeBudgets,
        List<RoutingRule> rules) {

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

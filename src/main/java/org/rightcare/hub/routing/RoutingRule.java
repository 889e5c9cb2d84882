package org.rightcare.hub.routing;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.rightcare.hub.directory.Eligibility;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.DispatchState;
import org.rightcare.hub.referral.Incident;

/**
 * One rule of the routing policy: when the incident's picture matches, and none of its codes is one the rule
 * excludes (its red flags), these service types are preferred, in this order.
 *
 * @param exclude codes that keep an incident away from this rule whatever else matches (a chest pain in a frail
 *        patient is not the frailty rule's); a code ending in {@code *} excludes every code that starts so
 */
public record RoutingRule(String id, String description, Conditions when, List<ServiceType> prefer,
        List<Eligibility.Condition> exclude) {

    public RoutingRule {
        exclude = List.copyOf(exclude);
    }

    /** A rule with no exclusions. */
    public RoutingRule(String id, String description, Conditions when, List<ServiceType> prefer) {
        this(id, description, when, prefer, List.of());
    }

    /** Whether the rule applies: its conditions hold and the incident has none of the codes it excludes. */
    public boolean appliesTo(Incident incident, Integer ageYears) {
        return when.matches(incident, ageYears) && excludedBy(incident).isEmpty();
    }

    /** The first of the rule's exclusions the incident's codes (presenting complaint or triage) match, if any. */
    public Optional<Eligibility.Condition> excludedBy(Incident incident) {
        return exclude.stream().filter(excluded -> incident.codes().stream()
                .anyMatch(code -> excluded.matches(code.system(), code.code()))).findFirst();
    }

    /** A code as the policy names it: a system and a code, matched exactly. */
    public record Code(String system, String code) {
    }

    /**
     * What must all hold for the rule to apply; an empty set or a null bound means "any". Codes match the
     * presenting complaint or any of the triage codes.
     */
    public record Conditions(Set<ArpCategory> categories, Set<Code> codes, Integer minAge, Integer maxAge,
            Integer maxNews2, Integer minFrailty, Integer maxFrailty, Set<DispatchState> dispatchStates) {

        public boolean matches(Incident incident, Integer ageYears) {
            if (!categories.isEmpty() && !categories.contains(incident.category())) {
                return false;
            }
            if (!dispatchStates.isEmpty() && !dispatchStates.contains(incident.dispatchState())) {
                return false;
            }
            if (!codes.isEmpty() && incident.codes().stream().noneMatch(c -> codes.contains(new Code(c.system(), c.code())))) {
                return false;
            }
            if ((minAge != null || maxAge != null) && ageYears == null) {
                return false;
            }
            if (minAge != null && ageYears < minAge || maxAge != null && ageYears > maxAge) {
                return false;
            }
            Integer news2 = incident.clinical() == null ? null : incident.clinical().news2();
            if (maxNews2 != null && (news2 == null || news2 > maxNews2)) {
                // An unknown NEWS2 cannot show the patient is stable enough for a rule that asks for it.
                return false;
            }
            Integer frailty = incident.clinical() == null ? null : incident.clinical().clinicalFrailtyScale();
            if ((minFrailty != null || maxFrailty != null) && frailty == null) {
                return false;
            }
            return (minFrailty == null || frailty >= minFrailty) && (maxFrailty == null || frailty <= maxFrailty);
        }
    }
}

package org.rightcare.hub.routing;

import java.util.List;
import java.util.Set;

import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.DispatchState;
import org.rightcare.hub.referral.Incident;

/**
 * One rule of the routing policy: when the incident's picture matches, these service types are preferred, in this
 * order.
 */
public record RoutingRule(String id, String description, Conditions when, List<ServiceType> prefer) {

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

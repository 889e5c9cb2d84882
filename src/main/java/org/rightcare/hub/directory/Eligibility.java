package org.rightcare.hub.directory;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.Incident;

/**
 * Which ambulance cases a service accepts. Every rule must hold; a rule left null (or, for conditions, an empty
 * list) accepts anything. {@link #whyNotEligible} gives the first rule a case breaks in words a clinician can read
 * on the routing decision.
 *
 * @param categories the ARP categories accepted; never empty
 * @param dispatchPhases before dispatch, after, or both; never empty
 * @param conditions presenting complaints or triage codes accepted; empty means any
 * @param minimumAge in whole years, inclusive; with {@code maximumAge}, the age range
 * @param news2Ceiling the highest NEWS2 total accepted; an unknown NEWS2 is accepted
 * @param minimumFrailty the lowest Clinical Frailty Scale score accepted (1-9)
 * @param excludedConditions presenting complaints or triage codes the service never takes, whatever else matches
 *        (its red flags); a code ending in {@code *} excludes every code that starts so
 */
public record Eligibility(Set<ArpCategory> categories, Set<DispatchPhase> dispatchPhases, List<Condition> conditions,
        Integer minimumAge, Integer maximumAge, Integer news2Ceiling, Integer minimumFrailty, Integer maximumFrailty,
        List<Condition> excludedConditions) {

    public Eligibility {
        categories = Set.copyOf(categories);
        dispatchPhases = Set.copyOf(dispatchPhases);
        conditions = List.copyOf(conditions);
        excludedConditions = List.copyOf(excludedConditions);
    }

    /** Eligibility that excludes no condition. */
    public Eligibility(Set<ArpCategory> categories, Set<DispatchPhase> dispatchPhases, List<Condition> conditions,
            Integer minimumAge, Integer maximumAge, Integer news2Ceiling, Integer minimumFrailty,
            Integer maximumFrailty) {
        this(categories, dispatchPhases, conditions, minimumAge, maximumAge, news2Ceiling, minimumFrailty,
                maximumFrailty, List.of());
    }

    /**
     * A condition by code system and code. A code ending in {@code *} matches every code that starts with the rest
     * (AMPDS {@code 17A*} is every alpha-level fall), because dispatch codes are built as protocol, level, detail.
     */
    public record Condition(String system, String code, String display) {

        public boolean matches(String codeSystem, String candidate) {
            if (candidate == null || !system.equals(codeSystem)) {
                return false;
            }
            return code.endsWith("*") ? candidate.startsWith(code.substring(0, code.length() - 1))
                    : code.equals(candidate);
        }
    }

    /** Empty when the case is eligible; otherwise the first rule it breaks, in a short sentence. */
    public Optional<String> whyNotEligible(Incident incident, LocalDate today) {
        Optional<DispatchPhase> phase = DispatchPhase.of(incident.dispatchState());
        if (phase.isEmpty()) {
            return Optional.of("dispatch state " + incident.dispatchState().wireValue() + " is never referred");
        }
        if (!dispatchPhases.contains(phase.get())) {
            return Optional.of(dispatchPhases.iterator().next().code() + " cases only");
        }
        if (!categories.contains(incident.category())) {
            return Optional.of("category " + incident.category().code() + " not accepted");
        }
        Optional<String> age = checkRange("age", incident.patient() == null ? null : incident.patient().ageOn(today),
                minimumAge, maximumAge);
        if (age.isPresent()) {
            return age;
        }
        Incident.Clinical clinical = incident.clinical();
        Integer news2 = clinical == null ? null : clinical.news2();
        if (news2Ceiling != null && news2 != null && news2 > news2Ceiling) {
            return Optional.of("NEWS2 " + news2 + " is above the ceiling " + news2Ceiling);
        }
        Optional<String> frailty = checkRange("clinical frailty scale",
                clinical == null ? null : clinical.clinicalFrailtyScale(), minimumFrailty, maximumFrailty);
        if (frailty.isPresent()) {
            return frailty;
        }
        if (!conditions.isEmpty() && !matchesACondition(incident)) {
            return Optional.of("presenting complaint not in the conditions accepted");
        }
        for (Condition excluded : excludedConditions) {
            for (Incident.Coding code : incident.codes()) {
                if (excluded.matches(code.system(), code.code())) {
                    return Optional.of("the service excludes " + (excluded.display() == null ? ""
                            : excluded.display()
                                    + " ")
                            + excluded.system() + "|" + excluded.code());
                }
            }
        }
        return Optional.empty();
    }

    /** The rules as one line of text, for people reading the directory (HealthcareService.eligibility). */
    public String describe() {
        List<String> parts = new ArrayList<>();
        parts.add("categories " + categories.stream().sorted().map(ArpCategory::code).collect(Collectors.joining(", ")));
        parts.add(dispatchPhases.stream().sorted().map(DispatchPhase::code).collect(Collectors.joining(" and ")));
        range("age", minimumAge, maximumAge).ifPresent(parts::add);
        if (news2Ceiling != null) {
            parts.add("NEWS2 up to " + news2Ceiling);
        }
        range("clinical frailty scale", minimumFrailty, maximumFrailty).ifPresent(parts::add);
        if (!conditions.isEmpty()) {
            parts.add("conditions " + conditions.stream()
                    .map(c -> c.display() == null ? c.code() : c.display() + " (" + c.code() + ")")
                    .collect(Collectors.joining(", ")));
        }
        if (!excludedConditions.isEmpty()) {
            parts.add("never " + excludedConditions.stream()
                    .map(c -> c.display() == null ? c.code() : c.display() + " (" + c.code() + ")")
                    .collect(Collectors.joining(", ")));
        }
        return String.join("; ", parts);
    }

    private boolean matchesACondition(Incident incident) {
        return incident.codes().stream()
                .anyMatch(code -> conditions.stream().anyMatch(c -> c.matches(code.system(), code.code())));
    }

    private static Optional<String> checkRange(String what, Integer value, Integer minimum, Integer maximum) {
        if (minimum == null && maximum == null) {
            return Optional.empty();
        }
        if (value == null) {
            return Optional.of(what + " unknown and the service takes " + range(what, minimum, maximum).orElseThrow());
        }
        if (minimum != null && value < minimum) {
            return Optional.of(what + " " + value + " is under the minimum " + minimum);
        }
        if (maximum != null && value > maximum) {
            return Optional.of(what + " " + value + " is over the maximum " + maximum);
        }
        return Optional.empty();
    }

    private static Optional<String> range(String what, Integer minimum, Integer maximum) {
        if (minimum != null && maximum != null) {
            return Optional.of(what + " " + minimum + " to " + maximum);
        }
        if (minimum != null) {
            return Optional.of(what + " " + minimum + " and over");
        }
        return maximum == null ? Optional.empty() : Optional.of(what + " up to " + maximum);
    }
}

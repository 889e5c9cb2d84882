package org.rightcare.hub.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.rightcare.hub.directory.Eligibility;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.DispatchState;
import org.rightcare.hub.support.DocumentSchema;
import org.rightcare.hub.support.FieldError;
import org.rightcare.hub.support.InvalidConfigurationException;
import org.rightcare.hub.support.YamlDocument;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * Reads a routing policy file and checks every rule, reporting each problem with its file and line, so an
 * integration engineer can fix the file in one pass. A policy with any problem is refused whole. The file's shape is
 * the policy's JSON Schema ({@code routing-policy-v1.schema.json}, which editors read too); this class adds the rules
 * across fields a schema cannot state.
 */
public final class RoutingPolicyLoader {

    private static final DocumentSchema SCHEMA = DocumentSchema.load("/routing/routing-policy-v1.schema.json", true);

    /** The file as the schema shapes it; a value the schema refused is null here. */
    private record PolicyFile(Boolean c2Segmentation, Map<String, Duration> timeBudgets, List<RuleEntry> rules,
            List<String> offerPastBreach) {
    }

    private record RuleEntry(String id, String description, When when, List<String> prefer, List<String> exclude) {
    }

    private record When(List<String> categories, List<String> codes, Integer minAge, Integer maxAge, Integer maxNews2,
            Integer minFrailty, Integer maxFrailty, List<String> dispatchStates) {
    }

    private static final ObjectReader POLICY_FILE = DocumentSchema.binder().build().readerFor(PolicyFile.class);

    private RoutingPolicyLoader() {
    }

    public static RoutingPolicy load(String file, String yaml) {
        YamlDocument document = YamlDocument.parse(file, yaml);
        List<FieldError> errors = new ArrayList<>(SCHEMA.check(document.root()));
        JsonNode passed = DocumentSchema.passed(document.root(), errors);
        if (passed.isObject()) {
            PolicyFile read = DocumentSchema.bind(passed, "", POLICY_FILE, errors);
            Map<ArpCategory, Duration> budgets = new EnumMap<>(ArpCategory.class);
            if (read.timeBudgets() != null) {
                read.timeBudgets().forEach((code, budget) -> ArpCategory.fromCode(code)
                        .filter(category -> budget != null).ifPresent(category -> budgets.put(category, budget)));
            }
            Map<Integer, RoutingRule> rules = rules(read.rules(), errors);
            RoutingPolicy policy = new RoutingPolicy(file, Boolean.TRUE.equals(read.c2Segmentation()),
                    Map.copyOf(budgets), List.copyOf(rules.values()),
                    codes(read.offerPastBreach(), type -> ServiceType.fromCode(type).orElseThrow()));
            everyRoutedCategoryHasABudget(errors, policy, rules);
            if (errors.isEmpty()) {
                return policy;
            }
        }
        throw new InvalidConfigurationException(document.locate(errors));
    }

    /** The rules that passed, by their place in the file, with what the schema cannot check across their fields. */
    private static Map<Integer, RoutingRule> rules(List<RuleEntry> entries, List<FieldError> errors) {
        Map<Integer, RoutingRule> rules = new LinkedHashMap<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; entries != null && i < entries.size(); i++) {
            RuleEntry entry = entries.get(i);
            if (entry == null) {
                continue;
            }
            String pointer = "/rules/" + i;
            if (entry.id() != null && !ids.add(entry.id())) {
                errors.add(new FieldError(pointer + "/id", "duplicates an earlier rule's id " + entry.id()));
            }
            When when = entry.when() == null ? new When(null, null, null, null, null, null, null, null) : entry.when();
            if (when.minAge() != null && when.maxAge() != null && when.minAge() > when.maxAge()) {
                errors.add(new FieldError(pointer + "/when/minAge", "is above maxAge"));
            }
            if (when.minFrailty() != null && when.maxFrailty() != null && when.minFrailty() > when.maxFrailty()) {
                errors.add(new FieldError(pointer + "/when/minFrailty", "is above maxFrailty"));
            }
            RoutingRule.Conditions conditions = new RoutingRule.Conditions(
                    codes(when.categories(), code -> ArpCategory.fromCode(code).orElseThrow()),
                    codes(when.codes(), code -> new RoutingRule.Code(code.substring(0, code.indexOf('|')),
                            code.substring(code.indexOf('|') + 1))),
                    when.minAge(), when.maxAge(), when.maxNews2(), when.minFrailty(), when.maxFrailty(),
                    codes(when.dispatchStates(), state -> DispatchState.fromWireValue(state).orElseThrow()));
            List<ServiceType> prefer = entry.prefer() == null ? List.of()
                    : entry.prefer().stream()
                            .filter(java.util.Objects::nonNull).map(type -> ServiceType.fromCode(type).orElseThrow()).toList();
            List<Eligibility.Condition> exclude = entry.exclude() == null ? List.of()
                    : entry.exclude().stream().filter(java.util.Objects::nonNull)
                            .map(code -> new Eligibility.Condition(code.substring(0, code.indexOf('|')),
                                    code.substring(code.indexOf('|') + 1), null))
                            .toList();
            rules.put(i, new RoutingRule(entry.id(), entry.description() == null ? "" : entry.description(), conditions,
                    prefer, exclude));
        }
        return rules;
    }

    /** The codes that passed the schema, as what they name. */
    private static <T> Set<T> codes(List<String> codes, Function<String, T> named) {
        return codes == null ? Set.of()
                : codes.stream().filter(java.util.Objects::nonNull).map(named)
                        .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /**
     * A rule that routes a category the policy gives no time budget would send every such case straight back as if
     * no service had answered; and a rule naming C2 without C2 segmentation would never apply. Both are mistakes in
     * the file, not choices, so they are refused.
     */
    private static void everyRoutedCategoryHasABudget(List<FieldError> errors, RoutingPolicy policy,
            Map<Integer, RoutingRule> rules) {
        rules.forEach((i, rule) -> {
            String pointer = "/rules/" + i + "/when/categories";
            java.util.Collection<ArpCategory> routed = rule.when().categories().isEmpty()
                    ? java.util.Arrays.stream(ArpCategory.values()).filter(policy::mayRoute).toList()
                    : rule.when().categories();
            if (routed.contains(ArpCategory.C2) && !policy.c2Segmentation()) {
                errors.add(new FieldError(pointer,
                        "C2 is routed only with c2Segmentation: true; this rule would never apply to it"));
            }
            List<String> unbudgeted = java.util.Arrays.stream(ArpCategory.values())
                    .filter(routed::contains).filter(policy::mayRoute)
                    .filter(category -> !policy.timeBudgets().containsKey(category)).map(ArpCategory::code).toList();
            if (!unbudgeted.isEmpty()) {
                errors.add(new FieldError(rule.when().categories().isEmpty() ? "/rules/" + i : pointer, "rule "
                        + rule.id() + " routes " + String.join(", ", unbudgeted) + " but timeBudgets gives no budget for it"));
            }
        });
    }
}

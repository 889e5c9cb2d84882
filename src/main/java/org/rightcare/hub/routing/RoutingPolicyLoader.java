package org.rightcare.hub.routing;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.DispatchState;
import org.rightcare.hub.support.ConfigProblem;
import org.rightcare.hub.support.InvalidConfigurationException;
import org.rightcare.hub.support.LocatedYaml;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads a routing policy file and checks every rule, reporting each problem with its file and line, so an
 * integration engineer can fix the file in one pass. A policy with any problem is refused whole.
 */
public final class RoutingPolicyLoader {

    private static final Set<String> TOP_LEVEL = Set.of("c2Segmentation", "timeBudgets", "rules");
    private static final Set<String> RULE_FIELDS = Set.of("id", "description", "when", "prefer");
    private static final Set<String> CONDITIONS = Set.of("categories", "codes", "minAge", "maxAge", "maxNews2",
            "minFrailty", "maxFrailty", "dispatchStates");

    private RoutingPolicyLoader() {
    }

    public static RoutingPolicy load(String file, String yaml) {
        LocatedYaml.Document document = LocatedYaml.parse(file, yaml);
        Problems problems = new Problems(document);
        JsonNode root = document.root();
        if (root == null || !root.isObject()) {
            problems.add("", "the policy must be a mapping with c2Segmentation, timeBudgets and rules");
            throw problems.failure();
        }
        unknownFields(problems, root, "", TOP_LEVEL);
        boolean c2Segmentation = false;
        JsonNode c2 = root.get("c2Segmentation");
        if (c2 != null && !c2.isBoolean()) {
            problems.add("/c2Segmentation", "must be true or false");
        } else if (c2 != null) {
            c2Segmentation = c2.booleanValue();
        }
        Map<ArpCategory, Duration> budgets = timeBudgets(problems, root.get("timeBudgets"));
        List<RoutingRule> rules = rules(problems, root.get("rules"));
        RoutingPolicy policy = new RoutingPolicy(file, c2Segmentation, Map.copyOf(budgets), List.copyOf(rules));
        everyRoutedCategoryHasABudget(problems, policy);
        if (!problems.isEmpty()) {
            throw problems.failure();
        }
        return policy;
    }

    /**
     * A rule that routes a category the policy gives no time budget would send every such case straight back as if
     * no service had answered; and a rule naming C2 without C2 segmentation would never apply. Both are mistakes in
     * the file, not choices, so they are refused.
     */
    private static void everyRoutedCategoryHasABudget(Problems problems, RoutingPolicy policy) {
        for (int i = 0; i < policy.rules().size(); i++) {
            RoutingRule rule = policy.rules().get(i);
            String pointer = "/rules/" + i + "/when/categories";
            java.util.Collection<ArpCategory> routed = rule.when().categories().isEmpty()
                    ? java.util.Arrays.stream(ArpCategory.values()).filter(policy::mayRoute).toList()
                    : rule.when().categories();
            if (routed.contains(ArpCategory.C2) && !policy.c2Segmentation()) {
                problems.add(pointer, "C2 is routed only with c2Segmentation: true; this rule would never apply to it");
            }
            List<String> unbudgeted = java.util.Arrays.stream(ArpCategory.values())
                    .filter(routed::contains).filter(policy::mayRoute)
                    .filter(category -> !policy.timeBudgets().containsKey(category)).map(ArpCategory::code).toList();
            if (!unbudgeted.isEmpty()) {
                problems.add(rule.when().categories().isEmpty() ? "/rules/" + i : pointer, "rule " + rule.id()
                        + " routes " + String.join(", ", unbudgeted) + " but timeBudgets gives no budget for it");
            }
        }
    }

    private static Map<ArpCategory, Duration> timeBudgets(Problems problems, JsonNode node) {
        Map<ArpCategory, Duration> budgets = new EnumMap<>(ArpCategory.class);
        if (node == null || !node.isObject()) {
            problems.add("/timeBudgets", "must map each routable ARP category to an ISO-8601 duration, e.g. C3: PT60M");
            return budgets;
        }
        node.fields().forEachRemaining(entry -> {
            String pointer = "/timeBudgets/" + entry.getKey();
            ArpCategory category = ArpCategory.fromCode(entry.getKey()).orElse(null);
            if (category == null) {
                problems.add(pointer, "is not an ARP category");
            } else if (category.isAmbulanceOnly() && category != ArpCategory.C2) {
                problems.add(pointer, category + " is for an ambulance response only and is never routed");
            }
            try {
                Duration budget = Duration.parse(entry.getValue().asText());
                if (budget.isNegative() || budget.isZero()) {
                    problems.add(pointer, "must be a positive duration");
                } else if (category != null) {
                    budgets.put(category, budget);
                }
            } catch (DateTimeParseException e) {
                problems.add(pointer, "is not an ISO-8601 duration such as PT60M");
            }
        });
        return budgets;
    }

    private static List<RoutingRule> rules(Problems problems, JsonNode node) {
        List<RoutingRule> rules = new ArrayList<>();
        if (node == null || !node.isArray() || node.isEmpty()) {
            problems.add("/rules", "must be a list of at least one rule");
            return rules;
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String pointer = "/rules/" + i;
            JsonNode rule = node.get(i);
            if (!rule.isObject()) {
                problems.add(pointer, "must be a mapping with id, when and prefer");
                continue;
            }
            unknownFields(problems, rule, pointer, RULE_FIELDS);
            String id = rule.path("id").asText(null);
            if (id == null || id.isBlank()) {
                problems.add(pointer + "/id", "is required");
            } else if (!ids.add(id)) {
                problems.add(pointer + "/id", "duplicates an earlier rule's id " + id);
            }
            RoutingRule.Conditions when = conditions(problems, rule.get("when"), pointer + "/when");
            List<ServiceType> prefer = preferred(problems, rule.get("prefer"), pointer + "/prefer");
            rules.add(new RoutingRule(id, rule.path("description").asText(""), when, prefer));
        }
        return rules;
    }

    private static RoutingRule.Conditions conditions(Problems problems, JsonNode node, String pointer) {
        if (node == null) {
            return new RoutingRule.Conditions(Set.of(), Set.of(), null, null, null, null, null, Set.of());
        }
        if (!node.isObject()) {
            problems.add(pointer, "must be a mapping of conditions");
            return new RoutingRule.Conditions(Set.of(), Set.of(), null, null, null, null, null, Set.of());
        }
        unknownFields(problems, node, pointer, CONDITIONS);
        Set<ArpCategory> categories = new LinkedHashSet<>();
        for (Item item : strings(problems, node.get("categories"), pointer + "/categories")) {
            ArpCategory.fromCode(item.text()).ifPresentOrElse(category -> {
                if (category.isAmbulanceOnly() && category != ArpCategory.C2) {
                    problems.add(item.pointer(), category + " is for an ambulance response only");
                }
                categories.add(category);
            }, () -> problems.add(item.pointer(), item.text() + " is not an ARP category"));
        }
        Set<RoutingRule.Code> codes = new LinkedHashSet<>();
        for (Item item : strings(problems, node.get("codes"), pointer + "/codes")) {
            String token = item.text();
            int bar = token.indexOf('|');
            if (bar <= 0 || bar == token.length() - 1) {
                problems.add(item.pointer(), token + " must be written system|code");
            } else {
                codes.add(new RoutingRule.Code(token.substring(0, bar), token.substring(bar + 1)));
            }
        }
        Set<DispatchState> states = new LinkedHashSet<>();
        for (Item item : strings(problems, node.get("dispatchStates"), pointer + "/dispatchStates")) {
            DispatchState.fromWireValue(item.text()).ifPresentOrElse(states::add,
                    () -> problems.add(item.pointer(), item.text() + " is not a dispatch state"));
        }
        Integer minAge = bounded(problems, node, pointer, "minAge", 0, 130);
        Integer maxAge = bounded(problems, node, pointer, "maxAge", 0, 130);
        Integer maxNews2 = bounded(problems, node, pointer, "maxNews2", 0, 20);
        Integer minFrailty = bounded(problems, node, pointer, "minFrailty", 1, 9);
        Integer maxFrailty = bounded(problems, node, pointer, "maxFrailty", 1, 9);
        if (minAge != null && maxAge != null && minAge > maxAge) {
            problems.add(pointer + "/minAge", "is above maxAge");
        }
        if (minFrailty != null && maxFrailty != null && minFrailty > maxFrailty) {
            problems.add(pointer + "/minFrailty", "is above maxFrailty");
        }
        return new RoutingRule.Conditions(Set.copyOf(categories), Set.copyOf(codes), minAge, maxAge, maxNews2,
                minFrailty, maxFrailty, Set.copyOf(states));
    }

    private static List<ServiceType> preferred(Problems problems, JsonNode node, String pointer) {
        List<ServiceType> types = new ArrayList<>();
        List<Item> codes = strings(problems, node, pointer);
        if (codes.isEmpty()) {
            problems.add(pointer, "must name at least one service type");
        }
        for (Item item : codes) {
            ServiceType.fromCode(item.text()).ifPresentOrElse(type -> {
                if (types.contains(type)) {
                    problems.add(item.pointer(), item.text() + " is listed twice");
                } else {
                    types.add(type);
                }
            }, () -> problems.add(item.pointer(), item.text() + " is not a service type"));
        }
        return types;
    }

    /** One text entry of a list, with its own pointer, so a problem with it is reported at its own line. */
    private record Item(String pointer, String text) {
    }

    private static List<Item> strings(Problems problems, JsonNode node, String pointer) {
        List<Item> values = new ArrayList<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (!node.isArray()) {
            problems.add(pointer, "must be a list");
            return values;
        }
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual()) {
                problems.add(pointer + "/" + i, "must be text");
            } else {
                values.add(new Item(pointer + "/" + i, node.get(i).textValue()));
            }
        }
        return values;
    }

    private static Integer bounded(Problems problems, JsonNode parent, String pointer, String name, int min, int max) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isInt() || node.intValue() < min || node.intValue() > max) {
            problems.add(pointer + "/" + name, "must be a whole number from " + min + " to " + max);
            return null;
        }
        return node.intValue();
    }

    private static void unknownFields(Problems problems, JsonNode node, String pointer, Set<String> known) {
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                problems.add(pointer + "/" + name, "is not a known setting (expected one of " + known.stream().sorted().toList() + ")");
            }
        });
    }

    /** Problems found so far, each placed at its line in the file. */
    private static final class Problems {
        private final LocatedYaml.Document document;
        private final List<ConfigProblem> found = new ArrayList<>();

        Problems(LocatedYaml.Document document) {
            this.document = document;
        }

        void add(String pointer, String reason) {
            found.add(document.problem(pointer, reason));
        }

        boolean isEmpty() {
            return found.isEmpty();
        }

        /** Every problem, in the order of the file's lines, as an engineer fixes them. */
        InvalidConfigurationException failure() {
            return new InvalidConfigurationException(found.stream()
                    .sorted(Comparator.comparingInt(ConfigProblem::line)).toList());
        }
    }
}

package org.rightcare.hub.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.support.InvalidConfigurationException;

/**
 * Routing policy files: the shipped default policy keeps the clinical safety line (never C1, HCP or IFT; C2 only when
 * a policy turns segmentation on) and gives every category it routes a time budget; a file with many mistakes is
 * refused with every one of them at its line, so an integration engineer fixes the file in one pass.
 */
class RoutingPolicyLoaderTest {

    private static final String DEFAULT = "classpath:routing/default-policy.yaml";
    private static final String INVALID = "classpath:routing/invalid-policy.yaml";

    /** Categories a community service may ever be offered: C2 only under segmentation. */
    private static final Set<ArpCategory> ALWAYS_ROUTABLE = EnumSet.of(ArpCategory.C3, ArpCategory.C4, ArpCategory.C4T,
            ArpCategory.C5);

    @Test
    void theDefaultPolicyLoads() {
        RoutingPolicy policy = RoutingPolicies.read(DEFAULT);

        assertEquals(DEFAULT, policy.source());
        assertFalse(policy.rules().isEmpty());
    }

    @Test
    void theDefaultPolicyNamesOnlyCategoriesItMayRoute() {
        RoutingPolicy policy = RoutingPolicies.read(DEFAULT);

        assertFalse(policy.c2Segmentation(), "the default policy leaves C2 segmentation off");
        for (RoutingRule rule : policy.rules()) {
            Set<ArpCategory> named = rule.when().categories();
            assertFalse(named.isEmpty(), "rule " + rule.id() + " names its categories rather than matching any");
            for (ArpCategory category : named) {
                assertTrue(policy.mayRoute(category), "rule " + rule.id() + " names " + category
                        + ", which this policy may not route");
                assertTrue(ALWAYS_ROUTABLE.contains(category), "rule " + rule.id() + " names " + category);
            }
        }
    }

    @Test
    void theDefaultPolicyHasATimeBudgetForEveryCategoryItRoutes() {
        RoutingPolicy policy = RoutingPolicies.read(DEFAULT);

        Set<ArpCategory> routed = policy.rules().stream().flatMap(rule -> rule.when().categories().stream())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(ArpCategory.class)));
        assertEquals(ALWAYS_ROUTABLE, routed, "the rules between them route every category a community service may take");
        for (ArpCategory category : routed) {
            Duration budget = policy.timeBudget(category);
            assertTrue(!budget.isNegative() && !budget.isZero(),
                    category + " is routed but has no time budget, so it would go straight back");
        }
    }

    @Test
    void theDefaultPolicyTriesItsRulesInTheOrderOfTheFile() {
        RoutingPolicy policy = RoutingPolicies.read(DEFAULT);

        // Read the ids from the text, not through the loader, so a loader that reordered rules would be caught.
        List<String> idsInFile = new ArrayList<>();
        Matcher id = Pattern.compile("(?m)^  - id: (\\S+)").matcher(resource("routing/default-policy.yaml"));
        while (id.find()) {
            idsInFile.add(id.group(1));
        }
        assertEquals(idsInFile, policy.rules().stream().map(RoutingRule::id).toList());
        assertEquals("fall-without-serious-injury", policy.rules().get(0).id());
        assertEquals("low-acuity-clinical-assessment", policy.rules().get(policy.rules().size() - 1).id(),
                "the catch-all for low acuity comes last, after every specific rule");
    }

    @Test
    void refusesARuleForC2WithoutSegmentationBecauseItWouldNeverApply() {
        String yaml = """
                c2Segmentation: false
                timeBudgets: { C2: PT20M, C3: PT60M }
                rules:
                  - id: chest-infection
                    when:
                      categories: [C2, C3]
                    prefer: [virtual-ward-ari]
                """;
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> RoutingPolicyLoader.load("c2.yaml", yaml));
        assertEquals("c2.yaml:6: C2 is routed only with c2Segmentation: true; this rule would never apply to it"
                + " (/rules/0/when/categories)", e.getMessage());

        RoutingPolicy segmented = RoutingPolicyLoader.load("c2.yaml", yaml.replace("c2Segmentation: false",
                "c2Segmentation: true"));
        assertTrue(segmented.mayRoute(org.rightcare.hub.referral.ArpCategory.C2));
    }

    @Test
    void readsARulesRedFlagsWithPrefixWildcardsAndRefusesBadOnesAtTheirLine() {
        String yaml = """
                timeBudgets: { C3: PT60M }
                rules:
                  - id: frail
                    when:
                      categories: [C3]
                    exclude:
                      - http://snomed.info/sct|29857009
                      - https://fhir.nhs.uk/CodeSystem/pathways-sd-codes|SD40*
                    prefer: [ucr]
                """;
        RoutingRule rule = RoutingPolicyLoader.load("flags.yaml", yaml).rules().get(0);
        assertEquals(List.of("http://snomed.info/sct|29857009",
                "https://fhir.nhs.uk/CodeSystem/pathways-sd-codes|SD40*"),
                rule.exclude().stream().map(c -> c.system() + "|" + c.code()).toList());

        // A bare code (read by YAML as a number) and a wildcard inside the code are refused at their lines.
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> RoutingPolicyLoader.load("flags.yaml", yaml.replace("|SD40*", "|SD*40").replace(
                        "http://snomed.info/sct|29857009", "29857009")));
        assertEquals(List.of(
                "flags.yaml:7: 29857009 must be written system|code, or system|prefix* for every code that starts "
                        + "with prefix (/rules/0/exclude/0)",
                "flags.yaml:8: 'https://fhir.nhs.uk/CodeSystem/pathways-sd-codes|SD*40' must be written system|code, or "
                        + "system|prefix* for every code that starts with prefix (/rules/0/exclude/1)"),
                List.of(e.getMessage().split("\n")));
    }

    /**
     * The per-type exception to the breach rule (issue 15 item 2) is data the integration engineers own: read as
     * service types, none by default, and a type that is not one, or one named twice, is refused at its line.
     */
    @Test
    void readsTheServiceTypesThatMayBeOfferedACasePastItsBreachAndRefusesBadOnesAtTheirLine() {
        assertEquals(Set.of(), RoutingPolicies.read(DEFAULT).offerPastBreach(), "no exception by default");
        String yaml = """
                timeBudgets: { C3: PT60M }
                offerPastBreach: [virtual-ward-frailty, gp-out-of-hours]
                rules:
                  - id: any
                    when: { categories: [C3] }
                    prefer: [ucr]
                """;
        RoutingPolicy policy = RoutingPolicyLoader.load("breach.yaml", yaml);
        assertEquals(Set.of(ServiceType.VIRTUAL_WARD_FRAILTY, ServiceType.GP_OUT_OF_HOURS), policy.offerPastBreach());
        assertTrue(policy.mayOfferPastBreach(ServiceType.VIRTUAL_WARD_FRAILTY));
        assertFalse(policy.mayOfferPastBreach(ServiceType.UCR));

        InvalidConfigurationException unknown = assertThrows(InvalidConfigurationException.class,
                () -> RoutingPolicyLoader.load("breach.yaml", yaml.replace("gp-out-of-hours", "virtual-ward")));
        assertTrue(unknown.getMessage().startsWith("breach.yaml:2: 'virtual-ward' must be one of ucr, "),
                unknown.getMessage());
        assertTrue(unknown.getMessage().endsWith("(/offerPastBreach/1)"), unknown.getMessage());
        InvalidConfigurationException twice = assertThrows(InvalidConfigurationException.class,
                () -> RoutingPolicyLoader.load("breach.yaml", yaml.replace("gp-out-of-hours", "virtual-ward-frailty")));
        assertEquals("breach.yaml:2: 'offerPastBreach' must list service types, each once (/offerPastBreach)",
                twice.getMessage());
        InvalidConfigurationException notAList = assertThrows(InvalidConfigurationException.class,
                () -> RoutingPolicyLoader.load("breach.yaml", yaml.replace("[virtual-ward-frailty, gp-out-of-hours]",
                        "all")));
        assertTrue(notAList.getMessage().contains("(/offerPastBreach)"), notAList.getMessage());
    }

    @Test
    void refusesABadPolicyWithEveryProblemAtItsLine() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> RoutingPolicies.read(INVALID));

        List<String> expected = List.of(
                "4: 'defaultBudget' is not a known field; expected one of c2Segmentation, offerPastBreach, rules, timeBudgets (/defaultBudget)",
                "7: 'C1' is for an ambulance response only and is never routed (/timeBudgets/C1)",
                "8: 'C3' must be a positive ISO-8601 duration such as PT60M; got '-PT10M' (/timeBudgets/C3)",
                "9: 'C4' must be a positive ISO-8601 duration such as PT60M; got 'ninety minutes' (/timeBudgets/C4)",
                "14: 'C1' is for an ambulance response only and is never routed (/rules/0/when/categories/0)",
                "14: rule falls routes C3 but timeBudgets gives no budget for it (/rules/0/when/categories)",
                "17: '1912002' must be written system|code (/rules/0/when/codes/1)",
                "18: 'maxNews2' must be 0 to 20; got 25 (/rules/0/when/maxNews2)",
                "19: 'urgent-care' must be one of ucr, falls-response, virtual-ward-frailty, virtual-ward-ari, "
                        + "sdec-medical, sdec-surgical, gp-in-hours, gp-out-of-hours, gp-in-ed, "
                        + "mental-health-home-treatment, clinical-assessment-service (/rules/0/prefer/1)",
                "21: duplicates an earlier rule's id falls (/rules/1/id)",
                "21: rule falls routes C3, C4, C4T, C5 but timeBudgets gives no budget for it (/rules/1)",
                "23: is above maxAge (/rules/1/when/minAge)",
                "27: 'en-route' must be one of clinical-queue, awaiting-dispatch, dispatched, on-scene, conveying, closed "
                        + "(/rules/1/when/dispatchStates/1)");
        assertEquals(expected.stream().map(line -> INVALID + ":" + line).collect(Collectors.joining("\n")),
                e.getMessage());
        assertTrue(e.problems().stream().allMatch(p -> p.file().equals(INVALID)));
    }

    @Test
    void refusesAPolicyWithoutRulesOrBudgets() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> RoutingPolicyLoader.load("p.yaml", "c2Segmentation: maybe\n"));

        assertEquals(String.join("\n",
                "p.yaml:1: 'c2Segmentation' must be true or false; got 'maybe' (/c2Segmentation)",
                "p.yaml:1: 'timeBudgets' must map each routable ARP category to an ISO-8601 duration, e.g. C3: PT60M "
                        + "(/timeBudgets)",
                "p.yaml:1: 'rules' must be a list of at least one rule (/rules)"), e.getMessage());
    }

    @Test
    void routesOnlyCommunityCategoriesWithoutC2Segmentation() {
        RoutingPolicy policy = new RoutingPolicy("test", false, Map.of(), List.of());

        assertEquals(ALWAYS_ROUTABLE, routable(policy));
    }

    @Test
    void routesC2TooWhenAPolicyTurnsOnC2Segmentation() {
        RoutingPolicy policy = new RoutingPolicy("test", true, Map.of(), List.of());

        Set<ArpCategory> expected = EnumSet.copyOf(ALWAYS_ROUTABLE);
        expected.add(ArpCategory.C2);
        assertEquals(expected, routable(policy));
    }

    @Test
    void neverRoutesC1HcpOrIftWhateverThePolicySays() {
        for (boolean c2Segmentation : new boolean[] { false, true }) {
            RoutingPolicy policy = new RoutingPolicy("test", c2Segmentation, Map.of(), List.of());
            for (ArpCategory category : ArpCategory.values()) {
                if (category == ArpCategory.C1 || category.name().startsWith("HCP") || category.name().startsWith("IFT")) {
                    assertFalse(policy.mayRoute(category), category + " with c2Segmentation " + c2Segmentation);
                }
            }
        }
    }

    private static Set<ArpCategory> routable(RoutingPolicy policy) {
        Set<ArpCategory> routable = EnumSet.noneOf(ArpCategory.class);
        for (ArpCategory category : ArpCategory.values()) {
            if (policy.mayRoute(category)) {
                routable.add(category);
            }
        }
        return routable;
    }

    private static String resource(String name) {
        try (InputStream in = RoutingPolicyLoaderTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

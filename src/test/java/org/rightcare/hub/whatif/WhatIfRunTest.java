package org.rightcare.hub.whatif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.routing.Router;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What-if runs of the demo ICB's scenario: a seeded run reproduces byte for byte, and each variant moves the numbers
 * the way it should (longer hours turn "closed" send-backs into acceptances, more places turn "no capacity" ones).
 */
class WhatIfRunTest {

    static final WhatIfScenario SCENARIO = WhatIfScenario.load(WhatIfScenario.WEALDSHIRE);
    static final LocalDate MONDAY = LocalDate.of(2026, 11, 16);

    static WhatIfReport run(long seed, int days, String... variants) {
        List<Variant> chosen = java.util.Arrays.stream(variants).map(name -> SCENARIO.variant(name).orElseThrow()).toList();
        return new WhatIfRunner(new Router()).run(SCENARIO,
                WhatIfRunner.generated(SCENARIO, MONDAY, days, seed, chosen, true));
    }

    static WhatIfReport.VariantReport variant(WhatIfReport report, String name) {
        return report.variants().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    static int accepted(WhatIfReport.VariantReport v, String serviceType) {
        return v.byServiceType().stream().filter(r -> r.serviceType().equals(serviceType))
                .mapToInt(WhatIfReport.ServiceTypeRow::accepted).sum();
    }

    @Test
    void aSeededRunReproducesByteForByte() {
        String first = WhatIfReportCsv.render(run(42, 2, "ucr-until-22"));
        String again = WhatIfReportCsv.render(run(42, 2, "ucr-until-22"));
        String otherSeed = WhatIfReportCsv.render(run(43, 2, "ucr-until-22"));

        assertEquals(first, again);
        assertEquals(WhatIfReportHtml.render(run(42, 2, "ucr-until-22")), WhatIfReportHtml.render(run(42, 2, "ucr-until-22")));
        assertNotEquals(first, otherSeed, "the seed drives the incidents and the answers");
    }

    @Test
    void extendingUcrHoursTurnsClosedSendBacksIntoEveningAcceptances() {
        WhatIfReport report = run(SCENARIO.seed(), 7, "ucr-until-22");
        WhatIfReport.VariantReport baseline = variant(report, Variant.BASELINE);
        WhatIfReport.VariantReport extended = variant(report, "ucr-until-22");

        assertTrue(extended.sentBackByReason().get("service-closed") < baseline.sentBackByReason().get("service-closed"),
                "fewer cases find every service closed");
        assertTrue(accepted(extended, "ucr") > accepted(baseline, "ucr"), "UCR takes more patients");
        int baselineEveningUcr = baseline.byServiceTypeAndHour().stream()
                .filter(r -> r.serviceType().equals("ucr") && r.hour() >= 20 && r.hour() < 22)
                .mapToInt(WhatIfReport.ServiceTypeHourRow::accepted).sum();
        int extendedEveningUcr = extended.byServiceTypeAndHour().stream()
                .filter(r -> r.serviceType().equals("ucr") && r.hour() >= 20 && r.hour() < 22)
                .mapToInt(WhatIfReport.ServiceTypeHourRow::accepted).sum();
        assertEquals(0, baselineEveningUcr, "UCR closes at 20:00 today");
        assertTrue(extendedEveningUcr > 0, "and takes patients until 22:00 in the variant");
        assertEquals(baseline.totals().incidents(), extended.totals().incidents());
        assertEquals(baseline.sentBackByReason().get("not-eligible-category"),
                extended.sentBackByReason().get("not-eligible-category"), "ambulance-only calls are never routed");
    }

    @Test
    void morePlacesMeanFewerNoCapacitySendBacksAndLessTimeFull() {
        WhatIfReport report = run(SCENARIO.seed(), 7, "ucr-two-more-places");
        WhatIfReport.VariantReport baseline = variant(report, Variant.BASELINE);
        WhatIfReport.VariantReport more = variant(report, "ucr-two-more-places");

        assertTrue(more.sentBackByReason().get("no-capacity") < baseline.sentBackByReason().get("no-capacity"));
        assertTrue(more.totals().accepted() > baseline.totals().accepted());
        assertTrue(more.totals().conveyancesAvoided() > baseline.totals().conveyancesAvoided());
        long baselineFull = baseline.saturated().stream().filter(s -> s.serviceType().equals("ucr"))
                .mapToLong(WhatIfReport.SaturationRow::minutesFull).sum();
        long moreFull = more.saturated().stream().filter(s -> s.serviceType().equals("ucr"))
                .mapToLong(WhatIfReport.SaturationRow::minutesFull).sum();
        assertTrue(moreFull < baselineFull, "UCR teams are full for less time: " + moreFull + " < " + baselineFull);
    }

    @Test
    void removingAServiceLosesItsAcceptances() {
        WhatIfReport report = run(SCENARIO.seed(), 7, "without-cas");

        assertTrue(accepted(variant(report, Variant.BASELINE), "clinical-assessment-service") > 0);
        assertEquals(0, accepted(variant(report, "without-cas"), "clinical-assessment-service"));
        assertTrue(variant(report, "without-cas").totals().accepted() < variant(report, Variant.BASELINE).totals().accepted());
    }

    @Test
    void aVariantTheDirectoryRulesRefuseRunsNothing() {
        Variant broken = new ObjectMapper().convertValue(Map.of("name", "bad-hours", "change",
                Map.of("ucr-maidstone", Map.of("openingHours", Map.of("availableTime",
                        List.of(Map.of("daysOfWeek", List.of("mon"), "start", "25:00", "end", "22:00")))))),
                Variant.class);

        WhatIfScenario.VariantRejectedException e = assertThrows(WhatIfScenario.VariantRejectedException.class,
                () -> new WhatIfRunner(new Router()).run(SCENARIO,
                        WhatIfRunner.generated(SCENARIO, MONDAY, 1, 1, List.of(broken), false)));
        assertTrue(e.problems().get(0).pointer().startsWith("/variants/0/change/ucr-maidstone/openingHours"),
                e.problems().toString());
    }

    @Test
    void aScenarioFileThatBreaksARuleIsRefusedWithItsLines(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path file = dir.resolve("scenario.yaml");
        java.nio.file.Files.writeString(file,
                """
                        directory: classpath:directory/demo-directory.yaml
                        policy: classpath:routing/default-policy.yaml
                        incidentShape: classpath:incidents/wealdshire-incidents.yaml
                        firstDay: 2026-11-16
                        days: 7
                        seed: 1
                        providers:
                          defaults: {careMinutes: 60, answerMinutes: {min: 2, max: 12}, silentShare: 0.05, rejectShare: 0.1, rejectReason: "dos:23"}
                        variants:
                          - name: more-ucr
                            providers:
                              ucr-nowhere: {places: 5}
                        """);

        org.rightcare.hub.support.InvalidConfigurationException e = assertThrows(
                org.rightcare.hub.support.InvalidConfigurationException.class, () -> WhatIfScenario.load(file.toString()));
        assertEquals(12, e.problems().get(0).line(), e.getMessage());
        assertTrue(e.getMessage().contains("the variant's directory has no service ucr-nowhere"), e.getMessage());
    }
}

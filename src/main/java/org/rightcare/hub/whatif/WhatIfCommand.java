package org.rightcare.hub.whatif;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.rightcare.hub.incidents.CadCsvImporter;
import org.rightcare.hub.incidents.ReplayableIncident;
import org.rightcare.hub.routing.Router;
import org.rightcare.hub.support.InvalidConfigurationException;

/**
 * The what-if run from the command line ({@code scripts/what-if.sh}): no hub, no database, just the scenario's files,
 * the hub's routing code and a simulated clock. Writes {@code what-if-report.html} and {@code what-if-report.csv}.
 *
 * <pre>
 * --scenario FILE    the scenario (default: the demo ICB's, classpath:whatif/wealdshire-scenario.yaml)
 * --days N           days to generate (default: the scenario's)
 * --first-day DATE   the first day (default: the scenario's)
 * --seed N           the seed for incidents and provider answers (default: the scenario's)
 * --incidents FILE   replay an anonymised CAD export (CSV) instead of generated incidents
 * --variant NAME     a scenario variant to compare with the baseline; repeat for several (default: all)
 * --out DIR          where to write the report (default: target/what-if)
 * </pre>
 */
public final class WhatIfCommand {

    private WhatIfCommand() {
    }

    public static void main(String... args) throws IOException {
        String scenarioFile = WhatIfScenario.WEALDSHIRE;
        Integer days = null;
        LocalDate firstDay = null;
        Long seed = null;
        Path incidentsFile = null;
        List<String> variantNames = new ArrayList<>();
        Path out = Path.of("target", "what-if");
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                fail("option " + args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--scenario" -> scenarioFile = value;
                case "--days" -> days = Integer.parseInt(value);
                case "--first-day" -> firstDay = LocalDate.parse(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--incidents" -> incidentsFile = Path.of(value);
                case "--variant" -> variantNames.add(value);
                case "--out" -> out = Path.of(value);
                default -> fail("unknown option " + args[i]);
            }
            i++;
        }
        WhatIfScenario scenario;
        try {
            scenario = WhatIfScenario.load(scenarioFile);
        } catch (InvalidConfigurationException e) {
            fail("the scenario is invalid:\n" + e.getMessage());
            return;
        }
        List<Variant> variants = new ArrayList<>();
        if (variantNames.isEmpty()) {
            variants.addAll(scenario.variants());
        }
        for (String name : variantNames) {
            variants.add(scenario.variant(name).orElseThrow(() -> new IllegalArgumentException(
                    "the scenario has no variant " + name)));
        }
        long runSeed = seed != null ? seed : scenario.seed();
        WhatIfRunner.Request request;
        if (incidentsFile != null) {
            List<ReplayableIncident> incidents;
            try {
                incidents = CadCsvImporter.read(Files.readAllBytes(incidentsFile));
            } catch (CadCsvImporter.CadCsvRejectedException e) {
                fail(incidentsFile + " is refused:\n" + e.getMessage());
                return;
            }
            request = WhatIfRunner.imported(incidents, "imported from " + incidentsFile.getFileName(), runSeed,
                    variants, true);
        } else {
            request = WhatIfRunner.generated(scenario, firstDay != null ? firstDay : scenario.firstDay(),
                    days != null ? days : scenario.days(), runSeed, variants, true);
        }
        WhatIfReport report = new WhatIfRunner(new Router()).run(scenario, request);
        Files.createDirectories(out);
        Path html = out.resolve("what-if-report.html");
        Path csv = out.resolve("what-if-report.csv");
        Files.writeString(html, WhatIfReportHtml.render(report), StandardCharsets.UTF_8);
        Files.writeString(csv, WhatIfReportCsv.render(report), StandardCharsets.UTF_8);
        System.out.printf("%d incidents, %d variant(s) besides the baseline%n", report.incidents(), variants.size());
        for (WhatIfReport.VariantReport v : report.variants()) {
            System.out.printf("  %-22s accepted %5d  sent back %5d  conveyances avoided %7.1f%n", v.name(),
                    v.totals().accepted(), v.totals().sentBack(), v.totals().conveyancesAvoided());
        }
        System.out.println("Wrote " + html + " and " + csv);
    }

    private static void fail(String message) {
        System.err.println("what-if: " + message);
        System.exit(2);
    }
}

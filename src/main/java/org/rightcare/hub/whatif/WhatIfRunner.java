package org.rightcare.hub.whatif;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import org.rightcare.hub.incidents.IncidentGenerator;
import org.rightcare.hub.incidents.ReplayableIncident;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.routing.Router;
import org.rightcare.hub.support.WallClock;

/**
 * Runs the baseline and each variant over the same incidents, with providers drawing from the same seed, so the
 * differences between the variants' reports come from the variants and not from chance.
 */
public final class WhatIfRunner {

    /** What to run: the incidents (generated or imported) and the variants to compare with the baseline. */
    public record Request(List<ReplayableIncident> incidents, String incidentSource, LocalDate firstDay, int days,
            long seed, List<Variant> variants, boolean mayNameFiles) {
    }

    private final WhatIfSimulator simulator;

    /** A runner with the breach times the hub ships with (the command line's). */
    public WhatIfRunner(Router router) {
        this(router, BreachTargets.shipped());
    }

    public WhatIfRunner(Router router, BreachTargets breachTargets) {
        this.simulator = new WhatIfSimulator(router, breachTargets);
    }

    /** The scenario's own incidents: {@code days} days from {@code firstDay}, generated from its shape with the seed. */
    public static Request generated(WhatIfScenario scenario, LocalDate firstDay, int days, long seed,
            List<Variant> variants, boolean mayNameFiles) {
        List<ReplayableIncident> incidents = new IncidentGenerator(scenario.shape()).days(firstDay, days, seed);
        return new Request(incidents, "generated from the scenario's incident shape, seed " + seed, firstDay, days,
                seed, variants, mayNameFiles);
    }

    /** Incidents from a CAD export: the run spans the days from the first incident's to the last's. */
    public static Request imported(List<ReplayableIncident> incidents, String source, long seed, List<Variant> variants,
            boolean mayNameFiles) {
        LocalDate first = incidents.get(0).incident().receivedAt().atZone(WallClock.ZONE).toLocalDate();
        LocalDate last = incidents.get(incidents.size() - 1).incident().receivedAt().atZone(WallClock.ZONE).toLocalDate();
        return new Request(incidents, source, first, (int) ChronoUnit.DAYS.between(first, last) + 1, seed, variants,
                mayNameFiles);
    }

    /**
     * @throws WhatIfScenario.VariantRejectedException before anything runs, when a variant breaks a rule (pointers
     *         are prefixed with the variant's index in the request)
     */
    public WhatIfReport run(WhatIfScenario scenario, Request request) {
        List<WhatIfScenario.Prepared> prepared = new ArrayList<>();
        prepared.add(scenario.prepare(Variant.baseline(), false));
        List<org.rightcare.hub.support.FieldError> problems = new ArrayList<>();
        for (int i = 0; i < request.variants().size(); i++) {
            try {
                prepared.add(scenario.prepare(request.variants().get(i), request.mayNameFiles()));
            } catch (WhatIfScenario.VariantRejectedException e) {
                String at = "/variants/" + i;
                e.problems().forEach(p -> problems.add(new org.rightcare.hub.support.FieldError(at + p.pointer(), p.detail())));
            }
        }
        if (!problems.isEmpty()) {
            throw new WhatIfScenario.VariantRejectedException(problems);
        }
        List<WhatIfReport.VariantReport> reports = new ArrayList<>();
        for (WhatIfScenario.Prepared p : prepared) {
            WhatIfSimulator.Run run = simulator.run(p.policy(), p.services(), p.capacity(), request.incidents(),
                    new ModelledProviders(p.behaviour(), request.seed()));
            reports.add(WhatIfReport.variant(p.variant(), run,
                    code -> ArpCategory.fromCode(code).map(p.policy()::mayRoute).orElse(false)));
        }
        return new WhatIfReport(scenario.location(), request.incidentSource(), request.seed(), request.firstDay(),
                request.days(), request.incidents().size(), List.copyOf(reports));
    }
}

package org.rightcare.hub.whatif;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.audit.Actor;
import org.rightcare.hub.audit.AuditLog;
import org.rightcare.hub.audit.AuditRecord;
import org.rightcare.hub.incidents.CadCsvImporter;
import org.rightcare.hub.intake.IntakeConfig;
import org.rightcare.hub.routing.Router;
import org.rightcare.hub.support.FieldError;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Runs what-ifs for operators: checks the request against the configured scenario, runs the simulation on a worker
 * thread (it is pure computation, seconds at most), and audits who ran what. A request that breaks a rule runs
 * nothing and records nothing.
 */
@ApplicationScoped
public class WhatIfService {

    public static final String ENTITY_TYPE = "what-if";

    /**
     * What an operator asked for.
     *
     * @param days null for the scenario's; ignored for an imported file, whose own dates count
     * @param variants each a scenario variant's name (text) or a variant written out (an object)
     * @param cadExport an anonymised CAD export (CSV) to replay instead of generated incidents; null to generate
     */
    public record RunRequest(Integer days, Long seed, LocalDate firstDay, List<JsonNode> variants, byte[] cadExport) {
    }

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final WhatIfConfig config;
    private final WhatIfRunner runner;
    private final AuditLog audit;
    private final Pool pool;

    public WhatIfService(WhatIfConfig config, IntakeConfig intake, Router router, AuditLog audit, Pool pool) {
        this.config = config;
        // The live hub's breach times, so a case past its breach goes back in the simulation as it does live.
        this.runner = new WhatIfRunner(router, new BreachTargets(intake.breachMinutes()));
        this.audit = audit;
        this.pool = pool;
    }

    /**
     * @return fails with {@link WhatIfScenario.VariantRejectedException} for a request that breaks a rule, with
     *         {@link CadCsvImporter.CadCsvRejectedException} for a malformed CAD export
     */
    public Uni<WhatIfReport> run(RunRequest request, Actor actor) {
        return Uni.createFrom().item(() -> {
            WhatIfScenario scenario = scenario();
            return runner.run(scenario, prepare(scenario, request));
        })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .call(report -> pool.withTransaction(tx -> audit.record(tx, new AuditRecord(actor.name(),
                        actor.organisation(), "what-if.run", ENTITY_TYPE, report.scenario(), AuditRecord.SUCCESS,
                        new JsonObject()
                                .put("incidentSource", report.incidentSource())
                                .put("incidents", report.incidents())
                                .put("firstDay", report.firstDay().toString())
                                .put("days", report.days())
                                .put("seed", report.seed())
                                .put("variants", new JsonArray(report.variants().stream()
                                        .map(WhatIfReport.VariantReport::name).toList()))))));
    }

    /** The scenario in force, read afresh so an edited file counts from the next run. */
    WhatIfScenario scenario() {
        return WhatIfScenario.load(config.scenarioFile());
    }

    private WhatIfRunner.Request prepare(WhatIfScenario scenario, RunRequest request) {
        List<FieldError> problems = new ArrayList<>();
        int days = request.days() == null ? scenario.days() : request.days();
        if (days < 1 || days > config.maxDays()) {
            problems.add(new FieldError("/days", "must be 1 to " + config.maxDays()));
        }
        List<JsonNode> asked = request.variants() == null ? List.of() : request.variants();
        if (asked.size() > config.maxVariants()) {
            problems.add(new FieldError("/variants", "at most " + config.maxVariants() + " variants per run"));
        }
        List<Variant> variants = new ArrayList<>();
        for (int i = 0; i < asked.size(); i++) {
            JsonNode node = asked.get(i);
            String at = "/variants/" + i;
            if (node.isTextual()) {
                scenario.variant(node.asText()).filter(v -> !Variant.BASELINE.equals(v.name()))
                        .ifPresentOrElse(variants::add, () -> problems.add(new FieldError(at, "the scenario has no variant '"
                                + node.asText() + "'; it has " + String.join(", ",
                                        scenario.variants().stream().map(Variant::name).toList()))));
            } else if (node.isObject()) {
                try {
                    variants.add(MAPPER.convertValue(node, Variant.class));
                } catch (IllegalArgumentException e) {
                    problems.add(new FieldError(at, "not a variant: " + e.getMessage().lines().findFirst().orElse("")));
                }
            } else {
                problems.add(new FieldError(at, "must be a scenario variant's name or a variant object"));
            }
        }
        if (!problems.isEmpty()) {
            throw new WhatIfScenario.VariantRejectedException(problems);
        }
        long seed = request.seed() == null ? scenario.seed() : request.seed();
        if (request.cadExport() != null) {
            return WhatIfRunner.imported(CadCsvImporter.read(request.cadExport()),
                    "imported from an uploaded CAD export", seed, variants, false);
        }
        return WhatIfRunner.generated(scenario, request.firstDay() == null ? scenario.firstDay() : request.firstDay(),
                days, seed, variants, false);
    }
}

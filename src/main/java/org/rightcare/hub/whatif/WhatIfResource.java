package org.rightcare.hub.whatif;

import java.io.IOException;
import java.net.URI;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.rightcare.hub.directory.DirectoryAdminResource;
import org.rightcare.hub.incidents.CadCsvImporter;
import org.rightcare.hub.security.Callers;
import org.rightcare.hub.support.FieldError;
import org.rightcare.hub.support.InvalidConfigurationException;
import org.rightcare.hub.support.Problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;

import io.smallrye.mutiny.Uni;

/**
 * {@code /admin/what-if}: what more capacity or longer hours would buy, for ICB administrators (role
 * {@code hub-admin}). A run replays generated incidents (or an uploaded anonymised CAD export) through the hub's own
 * routing and send-back code on a simulated clock and answers a report comparing the baseline with each variant, as
 * JSON, CSV or a standalone HTML page ({@code format=json|csv|html}). Runs are reproducible (same seed, same report),
 * so a report's URL can be linked from the board or a paper and always shows the same figures. Every run is audited.
 */
@Path("/admin/what-if/report")
@RolesAllowed(DirectoryAdminResource.ROLE)
public class WhatIfResource {

    // Duplicate keys would let two readers of the same body see two different requests.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final WhatIfService whatIf;
    private final Callers callers;

    public WhatIfResource(WhatIfService whatIf, Callers callers) {
        this.whatIf = whatIf;
        this.callers = callers;
    }

    @GET
    @Operation(summary = "Run the scenario's generated incidents with some of its named variants", description = "variant may be repeated; none means the baseline only.")
    @APIResponse(responseCode = "200", description = "The report, as format asks")
    @APIResponse(responseCode = "422", description = "A parameter breaks a rule")
    public Uni<Response> generated(@QueryParam("days") Integer days, @QueryParam("seed") Long seed,
            @QueryParam("firstDay") String firstDay, @QueryParam("variant") List<String> variants,
            @QueryParam("format") String format) {
        List<FieldError> problems = new ArrayList<>();
        LocalDate first = date(firstDay, problems);
        List<JsonNode> asked = variants == null ? List.of()
                : variants.stream().map(v -> (JsonNode) TextNode.valueOf(v)).toList();
        return respond(problems, new WhatIfService.RunRequest(days, seed, first, asked, null), format);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Run generated incidents with variants named or written out", description = "Body: {\"days\": 7, \"seed\": 1, \"firstDay\": \"2026-11-16\", \"variants\": "
            + "[\"ucr-until-22\", {\"name\": \"more-beds\", \"providers\": {\"vw-frailty-weald\": {\"places\": 20}}}]}")
    @APIResponse(responseCode = "200", description = "The report, as format asks")
    @APIResponse(responseCode = "400", description = "The body is not JSON")
    @APIResponse(responseCode = "422", description = "Every broken rule, by JSON pointer into the body")
    public Uni<Response> generatedWithVariants(@QueryParam("format") String format, String body) {
        JsonNode request;
        try {
            if (body == null || body.isBlank()) {
                throw new IOException("the body is empty");
            }
            request = JSON.readTree(body);
        } catch (IOException e) {
            String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException json
                    ? json.getOriginalMessage()
                    : e.getMessage();
            return Uni.createFrom().item(Problem.of(400, "malformed-json", "Malformed JSON",
                    "The body is not JSON: " + message).toResponse());
        }
        List<FieldError> problems = new ArrayList<>();
        if (!request.isObject()) {
            problems.add(new FieldError("", "must be an object with days, seed, firstDay and variants"));
            return respond(problems, null, format);
        }
        request.fieldNames().forEachRemaining(field -> {
            if (!List.of("days", "seed", "firstDay", "variants").contains(field)) {
                problems.add(
                        new FieldError("/" + field, "unknown field '" + field + "'; expected days, seed, firstDay, variants"));
            }
        });
        Integer days = integer(request, "days", problems);
        Long seed = request.hasNonNull("seed") && request.get("seed").canConvertToLong() ? request.get("seed").longValue()
                : null;
        if (request.hasNonNull("seed") && seed == null) {
            problems.add(new FieldError("/seed", "must be a whole number"));
        }
        LocalDate first = date(request.hasNonNull("firstDay") ? request.get("firstDay").asText() : null, problems);
        List<JsonNode> variants = new ArrayList<>();
        JsonNode list = request.get("variants");
        if (list != null && !list.isNull()) {
            if (list.isArray()) {
                list.forEach(variants::add);
            } else {
                problems.add(new FieldError("/variants", "must be a list of variant names or variant objects"));
            }
        }
        return respond(problems, new WhatIfService.RunRequest(days, seed, first, variants, null), format);
    }

    @POST
    @Consumes({ "text/csv", "application/csv" })
    @Operation(summary = "Replay an anonymised CAD export (CSV) with some of the scenario's named variants", description = "Columns: time, category, complaint_code, age, postcode_district, dispatch_state, outcome, "
            + "and optionally news2, clinical_frailty_scale (see the README).")
    @APIResponse(responseCode = "200", description = "The report, as format asks")
    @APIResponse(responseCode = "422", description = "The file is malformed: every problem with its line")
    public Uni<Response> imported(@QueryParam("seed") Long seed, @QueryParam("variant") List<String> variants,
            @QueryParam("format") String format, byte[] body) {
        List<JsonNode> asked = variants == null ? List.of()
                : variants.stream().map(v -> (JsonNode) TextNode.valueOf(v)).toList();
        return respond(new ArrayList<>(), new WhatIfService.RunRequest(null, seed, null, asked,
                body == null ? new byte[0] : body), format);
    }

    private Uni<Response> respond(List<FieldError> problems, WhatIfService.RunRequest request, String format) {
        String chosen = format == null ? "json" : format;
        if (!List.of("json", "csv", "html").contains(chosen)) {
            problems.add(new FieldError("/format", "must be json, csv or html"));
        }
        if (!problems.isEmpty()) {
            return Uni.createFrom().item(invalid(problems).toResponse());
        }
        return whatIf.run(request, callers.current().actor())
                .map(report -> render(report, chosen))
                .onFailure(WhatIfScenario.VariantRejectedException.class)
                .recoverWithItem(e -> invalid(((WhatIfScenario.VariantRejectedException) e).problems()).toResponse())
                .onFailure(CadCsvImporter.CadCsvRejectedException.class)
                .recoverWithItem(e -> malformedExport((CadCsvImporter.CadCsvRejectedException) e))
                .onFailure(InvalidConfigurationException.class)
                .recoverWithItem(e -> Problem.of(500, "invalid-what-if-scenario", "The what-if scenario is invalid",
                        "hub.what-if.scenario-file breaks a rule; an administrator must fix it: " + e.getMessage())
                        .toResponse());
    }

    private static Response render(WhatIfReport report, String format) {
        return switch (format) {
            case "csv" -> Response.ok(WhatIfReportCsv.render(report), WhatIfReportCsv.MEDIA_TYPE + "; charset=utf-8")
                    .header("Content-Disposition", "attachment; filename=\"what-if-report.csv\"").build();
            case "html" -> Response.ok(WhatIfReportHtml.render(report), WhatIfReportHtml.MEDIA_TYPE + "; charset=utf-8")
                    .build();
            default -> Response.ok(report, MediaType.APPLICATION_JSON).build();
        };
    }

    /** A 422 that lists every problem of the file by its line, the way an engineer fixes a CSV. */
    private static Response malformedExport(CadCsvImporter.CadCsvRejectedException e) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", URI.create("https://rightcare-hub.org/problems/invalid-cad-export"));
        problem.put("title", "The CAD export is malformed");
        problem.put("status", 422);
        problem.put("detail", e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems")
                + "; the first: " + e.problems().get(0));
        problem.put("errors", e.problems());
        return Response.status(422).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static Problem invalid(List<FieldError> errors) {
        return Problem.invalid("invalid-what-if-request", "The what-if request breaks a rule", errors);
    }

    private static LocalDate date(String text, List<FieldError> problems) {
        if (text == null) {
            return null;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            problems.add(new FieldError("/firstDay", "must be a date such as 2026-11-16"));
            return null;
        }
    }

    private static Integer integer(JsonNode request, String field, List<FieldError> problems) {
        JsonNode node = request.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            problems.add(new FieldError("/" + field, "must be a whole number"));
            return null;
        }
        return node.intValue();
    }
}

package org.rightcare.hub.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.rightcare.hub.directory.DirectoryAdminResource;
import org.rightcare.hub.intake.NhsNumber;
import org.rightcare.hub.security.Callers;
import org.rightcare.hub.support.FieldError;
import org.rightcare.hub.support.JsonBodies;
import org.rightcare.hub.support.Problem;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/**
 * {@code /admin/referrals}: where is this patient's referral? For operators (role {@code hub-admin}) at 3 a.m. with
 * a CAD incident number, an NHS number or a referral id. The NHS number travels only in a POST body, never in a URL
 * (URLs end up in access logs, proxies and browser histories). Every referral shown is audited.
 */
@Path("/admin/referrals")
@RolesAllowed(DirectoryAdminResource.ROLE)
@Produces(MediaType.APPLICATION_JSON)
public class ReferralLookupResource {

    /** The search's answer: every matching referral's timeline, newest first. */
    public record Matches(List<ReferralTimeline> matches) {
    }

    private static final Set<String> FIELDS = Set.of("referralId", "incidentId", "cadSystem", "nhsNumber");

    private final ReferralLookupService lookup;
    private final Callers callers;

    public ReferralLookupResource(ReferralLookupService lookup, Callers callers) {
        this.lookup = lookup;
        this.callers = callers;
    }

    @POST
    @Path("/search")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Find referrals by referral id, CAD incident id or NHS number, with their timelines", description = "Exactly one of referralId, incidentId (optionally with cadSystem) or nhsNumber. Timelines "
            + "list CAD events, routing decisions (candidates and exclusions), offers and answers, deliveries "
            + "and CAD callbacks, and audit events, oldest first. No patient details are returned.")
    @RequestBody(description = "{\"nhsNumber\": \"9434765919\"} or {\"incidentId\": \"INC-1\", \"cadSystem\": \"SECAMB\"} "
            + "or {\"referralId\": \"<uuid>\"}")
    @APIResponse(responseCode = "200", description = "{ matches: [ { referral, timeline } ] } (at most 20, newest first)")
    @APIResponse(responseCode = "400", description = "The body is not JSON")
    @APIResponse(responseCode = "404", description = "No referral matches")
    @APIResponse(responseCode = "422", description = "Not exactly one key, an unknown field, or a malformed value")
    public Uni<Response> search(String body) {
        JsonBodies.Parsed parsed = JsonBodies.parse(body);
        if (parsed.malformed() != null) {
            return answer(parsed.malformed());
        }
        List<FieldError> errors = new ArrayList<>();
        ReferralLookupService.Query query = query(parsed.json(), errors);
        if (!errors.isEmpty()) {
            return answer(Problem.invalid("invalid-search", "The search is not one the hub can run", errors));
        }
        return lookup.find(query, callers.current().actor()).map(found -> found.isEmpty()
                ? Problem.of(404, "no-referral-found", "No referral found", "No referral matches this " + query.by())
                        .toResponse()
                : Response.ok(new Matches(found)).build());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One referral's timeline, by referral id")
    @APIResponse(responseCode = "200", description = "{ referral, timeline }")
    @APIResponse(responseCode = "404", description = "No such referral")
    public Uni<Response> timeline(@PathParam("id") String id) {
        UUID referralId = uuidOrNull(id);
        if (referralId == null) {
            return answer(unknown(id));
        }
        return lookup.find(new ReferralLookupService.ByReferralId(referralId), callers.current().actor())
                .map(found -> found.isEmpty() ? unknown(id).toResponse() : Response.ok(found.get(0)).build());
    }

    private static ReferralLookupService.Query query(JsonNode request, List<FieldError> errors) {
        if (!request.isObject()) {
            errors.add(new FieldError("", "must be an object with one of referralId, incidentId or nhsNumber"));
            return null;
        }
        request.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field)) {
                errors.add(new FieldError("/" + field, "unknown field '" + field + "'; expected one of " + FIELDS));
            }
        });
        Map<String, String> keys = new LinkedHashMap<>();
        for (String field : List.of("referralId", "incidentId", "nhsNumber", "cadSystem")) {
            JsonNode value = request.get(field);
            if (value == null || value.isNull()) {
                continue;
            }
            if (!value.isTextual() || value.asText().isBlank()) {
                errors.add(new FieldError("/" + field, "'" + field + "' must be a non-empty string"));
            } else {
                keys.put(field, value.asText());
            }
        }
        long named = keys.keySet().stream().filter(key -> !key.equals("cadSystem")).count();
        if (named != 1) {
            errors.add(new FieldError("", "give exactly one of referralId, incidentId or nhsNumber"));
        }
        if (keys.containsKey("cadSystem") && !keys.containsKey("incidentId")) {
            errors.add(new FieldError("/cadSystem", "cadSystem narrows an incidentId search only"));
        }
        if (!errors.isEmpty()) {
            return null;
        }
        if (keys.containsKey("referralId")) {
            UUID id = uuidOrNull(keys.get("referralId"));
            if (id == null) {
                errors.add(new FieldError("/referralId", "'referralId' must be a UUID"));
            }
            return new ReferralLookupService.ByReferralId(id);
        }
        if (keys.containsKey("nhsNumber")) {
            String nhsNumber = keys.get("nhsNumber").replace(" ", "");
            if (!NhsNumber.isValid(nhsNumber)) {
                // The value is not echoed: it may be a real NHS number with a typo.
                errors.add(new FieldError("/nhsNumber", "'nhsNumber' must be 10 digits with a valid check digit"));
            }
            return new ReferralLookupService.ByNhsNumber(nhsNumber);
        }
        return new ReferralLookupService.ByIncident(keys.get("incidentId"), keys.get("cadSystem"));
    }

    private static Problem unknown(String id) {
        return Problem.of(404, "unknown-referral", "Unknown referral", "No referral has id " + id);
    }

    private static UUID uuidOrNull(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException notAUuid) {
            return null;
        }
    }

    private static Uni<Response> answer(Problem problem) {
        return Uni.createFrom().item(problem.toResponse());
    }
}

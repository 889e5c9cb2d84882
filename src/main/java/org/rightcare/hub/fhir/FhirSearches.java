package org.rightcare.hub.fhir;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.rightcare.hub.fhir.search.AuditEventSearch;
import org.rightcare.hub.fhir.search.InvalidSearchException;
import org.rightcare.hub.fhir.search.SearchBundles;
import org.rightcare.hub.fhir.search.SearchRequest;
import org.rightcare.hub.fhir.search.SearchResult;
import org.rightcare.hub.fhir.search.SearchableType;
import org.rightcare.hub.fhir.search.ServiceRequestSearch;
import org.rightcare.hub.fhir.search.TaskSearch;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.Permission;
import org.rightcare.hub.support.PublicUrls;

import ca.uhn.fhir.context.FhirContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Type-level searches of the FHIR API ({@code GET /fhir/ServiceRequest?...}): checks the caller's permission and the
 * query, runs the type's search, answers a searchset Bundle and writes the audit record of what was shown.
 */
@ApplicationScoped
public class FhirSearches {

    private final FhirContext fhir;
    private final ServiceRequestSearch serviceRequests;
    private final TaskSearch tasks;
    private final AuditEventSearch auditEvents;
    private final FhirAccessAudit audit;
    private final PublicUrls urls;

    public FhirSearches(FhirContext fhir, ServiceRequestSearch serviceRequests, TaskSearch tasks,
            AuditEventSearch auditEvents, FhirAccessAudit audit, PublicUrls urls) {
        this.fhir = fhir;
        this.serviceRequests = serviceRequests;
        this.tasks = tasks;
        this.auditEvents = auditEvents;
        this.audit = audit;
        this.urls = urls;
    }

    public Uni<Response> search(Caller caller, String resourceType, FhirFormat format, boolean pretty, UriInfo uri,
            HttpHeaders headers) {
        SearchableType type = SearchableType.of(resourceType).orElse(null);
        if (type == null) {
            return Uni.createFrom().item(OperationOutcomes.response(fhir, format, 404, IssueType.NOTSUPPORTED,
                    "UNSUPPORTED_SEARCH", "This server does not search " + resourceType + "; see /fhir/metadata")
                    .build());
        }
        Map<String, List<String>> query = new LinkedHashMap<>(uri.getQueryParameters(true));
        JsonObject asked = new JsonObject();
        query.forEach((name, values) -> asked.put(name, new JsonArray(values)));
        if (!caller.may(Permission.read(resourceType))) {
            return audit.recordRefusal(caller, FhirAccessAudit.SEARCH, resourceType, null, FhirAccessAudit.DENIED,
                    new JsonObject().put("query", asked)).map(ignored -> OperationOutcomes.forbidden(fhir, format,
                            "The token does not grant searching " + resourceType));
        }
        SearchRequest request;
        Uni<SearchResult> result;
        try {
            request = SearchRequest.parse(type, query, lenient(headers));
            result = switch (type) {
                case SERVICE_REQUEST -> serviceRequests.search(caller, request);
                case TASK -> tasks.search(caller, request);
                case AUDIT_EVENT -> auditEvents.search(request);
            };
        } catch (InvalidSearchException e) {
            return audit.recordRefusal(caller, FhirAccessAudit.SEARCH, resourceType, null, FhirAccessAudit.REFUSED,
                    new JsonObject().put("query", asked).put("reason", e.getMessage()))
                    .map(ignored -> OperationOutcomes.response(fhir, format, 400, IssueType.INVALID, e.code(),
                            e.getMessage()).build());
        }
        return result.call(found -> audit.record(caller, FhirAccessAudit.SEARCH, resourceType, null,
                FhirAccessAudit.SUCCESS, new JsonObject().put("query", asked)
                        .put("referrals", new JsonArray(found.touched()))))
                .map(found -> {
                    Bundle bundle = SearchBundles.searchset(PublicUrls.withoutTrailingSlash(urls.fhirBase(uri)),
                            request, withoutForbiddenIncludes(caller, found));
                    return Response.ok(format.encode(fhir, bundle, pretty), format.mediaType()).build();
                });
    }

    /** An included resource of a type the caller's scopes do not cover is left out, as FHIR lets a server do. */
    private static SearchResult withoutForbiddenIncludes(Caller caller, SearchResult found) {
        return new SearchResult(found.matches(), found.included().stream()
                .filter(r -> caller.may(Permission.read(r.fhirType()))).toList(), found.next(), found.touched());
    }

    /** {@code Prefer: handling=lenient}: ignore unknown parameters instead of refusing the search. */
    private static boolean lenient(HttpHeaders headers) {
        List<String> prefer = headers.getRequestHeader("Prefer");
        return prefer != null && prefer.stream().flatMap(p -> java.util.Arrays.stream(p.split("[;,]")))
                .anyMatch(p -> p.trim().equalsIgnoreCase("handling=lenient"));
    }
}

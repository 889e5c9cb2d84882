package org.rightcare.hub.fhirapi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.rightcare.hub.fhir.FhirFormat;
import org.rightcare.hub.fhir.FhirInteraction;
import org.rightcare.hub.fhirapi.search.AuditEventSearch;
import org.rightcare.hub.fhirapi.search.InvalidSearchException;
import org.rightcare.hub.fhirapi.search.SearchBundles;
import org.rightcare.hub.fhirapi.search.SearchRequest;
import org.rightcare.hub.fhirapi.search.SearchResult;
import org.rightcare.hub.fhirapi.search.SearchableType;
import org.rightcare.hub.fhirapi.search.ServiceRequestSearch;
import org.rightcare.hub.fhirapi.search.TaskSearch;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.Permission;
import org.rightcare.hub.support.PublicUrls;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Type-level searches of the FHIR API ({@code GET /fhir/ServiceRequest?...}): checks the caller's permission and the
 * query, runs the type's search and answers a searchset Bundle; the audit record says what was asked and shown.
 */
@ApplicationScoped
public class FhirSearches {

    private final FhirHttp http;
    private final ServiceRequestSearch serviceRequests;
    private final TaskSearch tasks;
    private final AuditEventSearch auditEvents;
    private final FhirAccess access;
    private final PublicUrls urls;

    public FhirSearches(FhirHttp http, ServiceRequestSearch serviceRequests, TaskSearch tasks,
            AuditEventSearch auditEvents, FhirAccess access, PublicUrls urls) {
        this.http = http;
        this.serviceRequests = serviceRequests;
        this.tasks = tasks;
        this.auditEvents = auditEvents;
        this.access = access;
        this.urls = urls;
    }

    public Uni<Response> search(Caller caller, String resourceType, FhirFormat format, boolean pretty, UriInfo uri,
            HttpHeaders headers) {
        SearchableType type = SearchableType.of(resourceType).orElseThrow(() -> new FhirRefusal(404,
                IssueType.NOTSUPPORTED, "UNSUPPORTED_SEARCH", "This server does not search " + resourceType
                        + "; see /fhir/metadata"));
        Map<String, List<String>> query = new LinkedHashMap<>(uri.getQueryParameters(true));
        JsonObject asked = new JsonObject();
        query.forEach((name, values) -> asked.put(name, new JsonArray(values)));
        access.audit(FhirInteraction.SEARCH, resourceType, null).detail("query", asked);
        if (!caller.may(Permission.read(resourceType))) {
            throw FhirRefusal.forbidden("The token does not grant searching " + resourceType);
        }
        SearchRequest request;
        Uni<SearchResult> result;
        try {
            request = SearchRequest.parse(type, query, Prefer.of(headers).lenient());
            result = switch (type) {
                case SERVICE_REQUEST -> serviceRequests.search(caller, request);
                case TASK -> tasks.search(caller, request);
                case AUDIT_EVENT -> auditEvents.search(request);
            };
        } catch (InvalidSearchException e) {
            access.detail("reason", e.getMessage());
            throw new FhirRefusal(400, IssueType.INVALID, e.code(), e.getMessage());
        }
        return result.map(found -> {
            access.detail("referrals", new JsonArray(found.touched()));
            Bundle bundle = SearchBundles.searchset(PublicUrls.withoutTrailingSlash(urls.fhirBase(uri)), request,
                    withoutForbiddenIncludes(caller, found));
            return http.answer(200, format, bundle, pretty).build();
        });
    }

    /** An included resource of a type the caller's scopes do not cover is left out, as FHIR lets a server do. */
    private static SearchResult withoutForbiddenIncludes(Caller caller, SearchResult found) {
        return new SearchResult(found.matches(), found.included().stream()
                .filter(r -> caller.may(Permission.read(r.fhirType()))).toList(), found.next(), found.touched());
    }
}

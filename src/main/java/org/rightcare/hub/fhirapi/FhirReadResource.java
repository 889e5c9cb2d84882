package org.rightcare.hub.fhirapi;

import java.util.Set;
import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.rightcare.hub.fhir.CaseResources;
import org.rightcare.hub.fhir.FhirFormat;
import org.rightcare.hub.fhir.FhirInteraction;
import org.rightcare.hub.fhir.ReferralResourceIds;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.routing.ReferralRoutes;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.Callers;
import org.rightcare.hub.security.Permission;
import org.rightcare.hub.support.PublicUrls;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/**
 * The FHIR R4 facade: {@code /fhir/metadata}, reads by id of the resources rendered from a referral or from the
 * service directory, and searches. It is not a general-purpose FHIR store: every resource is rendered from the
 * domain model on each read, as the caller may see it. A read of patient data the caller may not see answers 404
 * exactly as for one that does not exist; each read of patient data, and each refusal of one, is audited
 * ({@link FhirAccess}).
 */
@Path("/fhir")
public class FhirReadResource {

    /** The resource types a referral or the service directory is rendered as, all readable by id. */
    private static final Set<String> READABLE_TYPES = CapabilityStatementFactory.READABLE_TYPES;

    private final FhirHttp http;
    private final ReferralRoutes routes;
    private final CaseResources cases;
    private final DirectoryReads directory;
    private final CapabilityStatementFactory capabilities;
    private final PublicUrls urls;
    private final Callers callers;
    private final FhirAccess access;
    private final FhirSearches searches;

    public FhirReadResource(FhirHttp http, ReferralRoutes routes, CaseResources cases, DirectoryReads directory,
            CapabilityStatementFactory capabilities, PublicUrls urls, Callers callers, FhirAccess access,
            FhirSearches searches) {
        this.http = http;
        this.routes = routes;
        this.cases = cases;
        this.directory = directory;
        this.capabilities = capabilities;
        this.urls = urls;
        this.callers = callers;
        this.access = access;
        this.searches = searches;
    }

    @GET
    @Path("/metadata")
    @Operation(hidden = true)
    public Response metadata(@QueryParam("_format") String format, @QueryParam("_pretty") boolean pretty,
            @Context HttpHeaders headers, @Context UriInfo uriInfo) {
        return http.answer(200, http.format(format, headers), capabilities.build(urls.fhirBase(uriInfo)), pretty)
                .build();
    }

    @GET
    @Path("/{type}")
    @Authenticated
    @Operation(hidden = true)
    public Uni<Response> search(@PathParam("type") String type, @QueryParam("_format") String format,
            @QueryParam("_pretty") boolean pretty, @Context HttpHeaders headers, @Context UriInfo uriInfo) {
        return searches.search(callers.current(), type, http.format(format, headers), pretty, uriInfo, headers);
    }

    @GET
    @Path("/{type}/{id}")
    @Authenticated
    @Operation(hidden = true)
    public Uni<Response> read(@PathParam("type") String type, @PathParam("id") String id,
            @QueryParam("_format") String format, @QueryParam("_pretty") boolean pretty, @Context HttpHeaders headers) {
        FhirFormat chosen = http.format(format, headers);
        if (!READABLE_TYPES.contains(type)) {
            throw new FhirRefusal(404, IssueType.NOTSUPPORTED, "UNKNOWN_RESOURCE_TYPE",
                    "This server does not serve resources of type " + type);
        }
        boolean patientData = !CapabilityStatementFactory.DIRECTORY_TYPES.contains(type);
        if (patientData) {
            access.audit(FhirInteraction.READ, type, id);
        }
        Caller caller = callers.current();
        if (!caller.may(Permission.read(type))) {
            throw FhirRefusal.forbidden("The token does not grant reading " + type);
        }
        if (!patientData) {
            return directory.read(type, id).map(resource -> http.answer(200, chosen,
                    resource.orElseThrow(() -> FhirRefusal.notFound(type, id)), pretty).build());
        }
        // 404 whether the resource does not exist or the caller may not see it: existence must not leak.
        UUID referralId = ReferralResourceIds.referralIdOf(id).orElseThrow(() -> FhirRefusal.notFound(type, id));
        return routes.byId(referralId).map(found -> {
            Resource visible = found.flatMap(routed -> cases
                    .visibleTo(caller, routed.referral(), routed.route().offers(), routed.route().latestDecision())
                    .stream()
                    .filter(r -> r.fhirType().equals(type) && r.getIdElement().getIdPart().equals(id))
                    .findFirst())
                    .orElseThrow(() -> FhirRefusal.notFound(type, id));
            Referral referral = found.get().referral();
            access.detail("referral", referral.id().toString());
            return http.answer(200, chosen, visible, pretty, referral.version(), referral.updatedAt()).build();
        });
    }

}

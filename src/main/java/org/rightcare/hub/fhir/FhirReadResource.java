package org.rightcare.hub.fhir;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.Callers;
import org.rightcare.hub.security.Permission;
import org.rightcare.hub.routing.ReferralRoutes;
import org.rightcare.hub.support.PublicUrls;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/**
 * The FHIR R4 facade: {@code /fhir/metadata}, reads by id of the resources rendered from a referral or from the
 * service directory, and searches. It is not a general-purpose FHIR store: every resource is rendered from the
 * domain model on each read, as the caller may see it. A read of patient data the caller may not see answers 404
 * exactly as for one that does not exist; each read of patient data, and each refusal, is audited.
 */
@Path("/fhir")
public class FhirReadResource {

    /** The resource types a referral or the service directory is rendered as, all readable by id. */
    private static final Set<String> READABLE_TYPES = CapabilityStatementFactory.READABLE_TYPES;

    private final FhirContext fhir;
    private final ReferralRoutes routes;
    private final CaseResources cases;
    private final DirectoryReads directory;
    private final CapabilityStatementFactory capabilities;
    private final PublicUrls urls;
    private final Callers callers;
    private final FhirAccessAudit audit;
    private final FhirSearches searches;

    public FhirReadResource(FhirContext fhir, ReferralRoutes routes, CaseResources cases, DirectoryReads directory,
            CapabilityStatementFactory capabilities, PublicUrls urls, Callers callers, FhirAccessAudit audit,
            FhirSearches searches) {
        this.fhir = fhir;
        this.routes = routes;
        this.cases = cases;
        this.directory = directory;
        this.capabilities = capabilities;
        this.urls = urls;
        this.callers = callers;
        this.audit = audit;
        this.searches = searches;
    }

    @GET
    @Path("/metadata")
    @Operation(hidden = true)
    public Response metadata(@QueryParam("_format") String format, @QueryParam("_pretty") boolean pretty,
            @Context HttpHeaders headers, @Context UriInfo uriInfo) {
        FhirFormat chosen = FhirFormat.negotiate(format, headers);
        if (chosen == null) {
            return OperationOutcomes.unsupportedFormat(fhir, format);
        }
        CapabilityStatement statement = capabilities.build(urls.fhirBase(uriInfo));
        return Response.ok(chosen.encode(fhir, statement, pretty), chosen.mediaType()).build();
    }

    @GET
    @Path("/{type}")
    @Authenticated
    @Operation(hidden = true)
    public Uni<Response> search(@PathParam("type") String type, @QueryParam("_format") String format,
            @QueryParam("_pretty") boolean pretty, @Context HttpHeaders headers, @Context UriInfo uriInfo) {
        FhirFormat chosen = FhirFormat.negotiate(format, headers);
        if (chosen == null) {
            return Uni.createFrom().item(OperationOutcomes.unsupportedFormat(fhir, format));
        }
        return searches.search(callers.current(), type, chosen, pretty, uriInfo, headers);
    }

    @GET
    @Path("/{type}/{id}")
    @Authenticated
    @Operation(hidden = true)
    public Uni<Response> read(@PathParam("type") String type, @PathParam("id") String id,
            @QueryParam("_format") String format, @QueryParam("_pretty") boolean pretty, @Context HttpHeaders headers) {
        FhirFormat chosen = FhirFormat.negotiate(format, headers);
        if (chosen == null) {
            return Uni.createFrom().item(OperationOutcomes.unsupportedFormat(fhir, format));
        }
        if (!READABLE_TYPES.contains(type)) {
            return Uni.createFrom().item(OperationOutcomes.response(fhir, chosen, 404, IssueType.NOTSUPPORTED,
                    "UNKNOWN_RESOURCE_TYPE", "This server does not serve resources of type " + type).build());
        }
        Caller caller = callers.current();
        boolean patientData = !CapabilityStatementFactory.DIRECTORY_TYPES.contains(type);
        if (!caller.may(Permission.read(type))) {
            Uni<Void> recorded = patientData
                    ? audit.recordRefusal(caller, FhirAccessAudit.READ, type, id, FhirAccessAudit.DENIED, null)
                    : Uni.createFrom().voidItem();
            return recorded.map(ignored -> OperationOutcomes.forbidden(fhir, chosen,
                    "The token does not grant reading " + type));
        }
        if (!patientData) {
            return directory.read(type, id).map(resource -> resource
                    .map(r -> Response.ok(chosen.encode(fhir, r, pretty), chosen.mediaType()).build())
                    .orElseGet(() -> OperationOutcomes.notFound(fhir, chosen, type, id)));
        }
        Optional<UUID> referralId = ReferralResourceIds.referralIdOf(id);
        if (referralId.isEmpty()) {
            return notFound(caller, chosen, type, id);
        }
        return routes.byId(referralId.get()).chain(found -> {
            Optional<Resource> visible = found.flatMap(routed -> cases
                    .visibleTo(caller, routed.referral(), routed.route().offers(), routed.route().latestDecision())
                    .stream()
                    .filter(r -> r.fhirType().equals(type) && r.getIdElement().getIdPart().equals(id))
                    .findFirst());
            if (visible.isEmpty()) {
                return notFound(caller, chosen, type, id);
            }
            Referral referral = found.get().referral();
            return audit.record(caller, FhirAccessAudit.READ, type, id, FhirAccessAudit.SUCCESS,
                    new JsonObject().put("referral", referral.id().toString()))
                    .map(ignored -> found(chosen, pretty, referral, visible.get()));
        });
    }

    /** 404 whether the resource does not exist or the caller may not see it: existence must not leak. */
    private Uni<Response> notFound(Caller caller, FhirFormat format, String type, String id) {
        return audit.recordRefusal(caller, FhirAccessAudit.READ, type, id, FhirAccessAudit.NOT_FOUND, null)
                .map(ignored -> OperationOutcomes.notFound(fhir, format, type, id));
    }

    private Response found(FhirFormat format, boolean pretty, Referral referral, Resource resource) {
        return Response.ok(format.encode(fhir, resource, pretty), format.mediaType())
                .tag(new EntityTag(String.valueOf(referral.version()), true))
                .lastModified(java.util.Date.from(referral.updatedAt()))
                .build();
    }
}

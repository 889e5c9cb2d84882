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
import org.rightcare.hub.referral.ReferralRepository;
import org.rightcare.hub.sendback.ReferralRoute;
import org.rightcare.hub.sendback.ReferralRoutes;
import org.rightcare.hub.support.PublicUrls;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/**
 * The FHIR R4 facade: {@code /fhir/metadata} and reads by id of the resources rendered from a referral or from the
 * service directory. It is not a general-purpose FHIR store: every resource is rendered from the domain model on
 * each read.
 */
@Path("/fhir")
public class FhirReadResource {

    /** The resource types a referral or the service directory is rendered as, all readable by id. */
    private static final Set<String> READABLE_TYPES = CapabilityStatementFactory.READABLE_TYPES;

    private final FhirContext fhir;
    private final ReferralRepository referrals;
    private final ReferralRenderer renderer;
    private final DirectoryReads directory;
    private final CapabilityStatementFactory capabilities;
    private final PublicUrls urls;
    private final ReferralRoutes routes;

    public FhirReadResource(FhirContext fhir, ReferralRepository referrals, ReferralRenderer renderer,
            DirectoryReads directory, CapabilityStatementFactory capabilities, PublicUrls urls, ReferralRoutes routes) {
        this.routes = routes;
        this.fhir = fhir;
        this.referrals = referrals;
        this.renderer = renderer;
        this.directory = directory;
        this.capabilities = capabilities;
        this.urls = urls;
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
        if (CapabilityStatementFactory.DIRECTORY_TYPES.contains(type)) {
            return directory.read(type, id).map(resource -> resource
                    .map(r -> Response.ok(chosen.encode(fhir, r, pretty), chosen.mediaType()).build())
                    .orElseGet(() -> OperationOutcomes.notFound(fhir, chosen, type, id)));
        }
        Optional<UUID> referralId = ReferralResourceIds.referralIdOf(id);
        if (referralId.isEmpty()) {
            return Uni.createFrom().item(OperationOutcomes.notFound(fhir, chosen, type, id));
        }
        // Only the ServiceRequest tells the routing history, so only its read pays for loading it (with the referral,
        // as of one moment, so its versionId and status match the offers it shows).
        Uni<Optional<ReferralRoutes.RoutedReferral>> read = type.equals("ServiceRequest")
                ? routes.byId(referralId.get())
                : referrals.findById(referralId.get())
                        .map(referral -> referral.map(r -> new ReferralRoutes.RoutedReferral(r, ReferralRoute.NONE)));
        return read.map(found -> found
                .flatMap(routed -> renderer.render(routed.referral(), routed.route(), type, id)
                        .map(resource -> found(chosen, pretty, routed.referral(), resource)))
                .orElseGet(() -> OperationOutcomes.notFound(fhir, chosen, type, id)));
    }

    private Response found(FhirFormat format, boolean pretty, Referral referral, Resource resource) {
        return Response.ok(format.encode(fhir, resource, pretty), format.mediaType())
                .tag(new EntityTag(String.valueOf(referral.version()), true))
                .lastModified(java.util.Date.from(referral.updatedAt()))
                .build();
    }
}

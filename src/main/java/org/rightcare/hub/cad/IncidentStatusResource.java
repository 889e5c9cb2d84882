package org.rightcare.hub.cad;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.routing.ReferralRoute;
import org.rightcare.hub.routing.ReferralRoutes;
import org.rightcare.hub.routing.RoutingDecision;
import org.rightcare.hub.support.Problem;
import org.rightcare.hub.support.PublicUrls;

import io.smallrye.mutiny.Uni;

/**
 * {@code GET /cad/v1/incidents/{cadSystem}/{incidentId}}: the referral's current state, for CADs that poll rather
 * than take callbacks. Signed like the webhook, with the request path as the signed body, so only the CAD that owns
 * the incident can read it.
 */
@Path("/cad/v1/incidents/{cadSystem}/{incidentId}")
public class IncidentStatusResource {

    /** The answer: where the referral stands and why, without patient identifiers. */
    public record IncidentStatus(String cadSystem, String incidentId, String referralId, String status,
            String category, Instant breachAt, Instant updatedAt, int version, String serviceRequest,
            Reason sendBackReason, RoutingDecision routing, List<OfferSummary> offers) {
    }

    public record Reason(String code, String display) {
    }

    /** One offer: to which service, how it ended (or that it is open) and when; {@code task} is its FHIR Task. */
    public record OfferSummary(int sequence, String service, String status, Reason reason, Instant offeredAt,
            Instant deadlineAt, Instant answeredAt, String task) {
    }

    private final CadSystemRegistry cadSystems;
    private final PublicUrls urls;
    private final ReferralRoutes routes;
    private final Clock clock;

    public IncidentStatusResource(CadSystemRegistry cadSystems, PublicUrls urls, ReferralRoutes routes,
            Clock clock) {
        this.routes = routes;
        this.cadSystems = cadSystems;
        this.urls = urls;
        this.clock = clock;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The referral state of a CAD incident", description = "X-Hub-Signature over the request path: HMAC-SHA256(secret, \"<t>.<path>\")")
    @APIResponse(responseCode = "200", description = "The referral's state")
    @APIResponse(responseCode = "401", description = "Signature missing, wrong or stale, or not the incident's CAD")
    @APIResponse(responseCode = "404", description = "The hub holds no referral for this incident")
    public Uni<Response> get(@PathParam("cadSystem") String cadSystem, @PathParam("incidentId") String incidentId,
            @HeaderParam(WebhookSignature.HEADER) String signatureHeader, @Context UriInfo uriInfo) {
        byte[] signedPath = uriInfo.getRequestUri().getRawPath().getBytes(StandardCharsets.UTF_8);
        Optional<WebhookSignature.Parsed> signature = WebhookSignature.parse(signatureHeader);
        boolean authentic = signature.isPresent() && WebhookSignature.isFresh(signature.get(), clock.instant())
                && cadSystems.signerOf(signature.get(), signedPath).filter(cadSystem::equals).isPresent();
        if (!authentic) {
            return Uni.createFrom().item(Problem.of(401, "invalid-signature", "Unauthorised",
                    "Sign the request path with the CAD system's secret: X-Hub-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.<path>\")>")
                    .toResponse());
        }
        return routes.byIncident(cadSystem, incidentId).map(found -> found
                .map(routed -> Response.ok(status(routed.referral(), routed.route(), uriInfo)).build())
                .orElseGet(() -> Problem.of(404, "unknown-incident", "Unknown incident",
                        "The hub holds no referral for incident " + incidentId + " of " + cadSystem).toResponse()));
    }

    private IncidentStatus status(Referral referral, ReferralRoute route, UriInfo uriInfo) {
        Reason sendBack = Optional.ofNullable(referral.sendBackReason())
                .map(r -> new Reason(r.code(), r.display())).orElse(null);
        List<OfferSummary> offers = route.offers().stream().map(o -> new OfferSummary(o.sequence(), o.serviceId(),
                o.status().code(), o.reason() == null ? null : new Reason(o.reason().code(), o.reason().display()),
                o.offeredAt(), o.deadlineAt(), o.answeredAt(),
                urls.fhirBase(uriInfo).resolve("Task/" + o.id()).toString())).toList();
        return new IncidentStatus(referral.cadSystem(), referral.incidentId(), referral.id().toString(),
                referral.status().wireValue(), referral.incident().category().code(), referral.breachAt(),
                referral.updatedAt(), referral.version(),
                urls.fhirBase(uriInfo).resolve("ServiceRequest/" + referral.id()).toString(), sendBack,
                route.latestDecision().orElse(null), offers);
    }
}

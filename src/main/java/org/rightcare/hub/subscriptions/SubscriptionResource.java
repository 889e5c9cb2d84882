package org.rightcare.hub.subscriptions;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Subscription;
import org.rightcare.hub.fhir.FhirFormat;
import org.rightcare.hub.fhir.FhirTaskResource;
import org.rightcare.hub.fhir.OperationOutcomes;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.Callers;
import org.rightcare.hub.security.Permission;
import org.rightcare.hub.support.PublicUrls;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/**
 * {@code /fhir/Subscription}: a provider organisation's rest-hook subscriptions to the hub's topics (FHIR R4
 * Subscriptions Backport IG). Create, read, update, delete and search by status, each only on the caller's own
 * organisation's subscriptions (another organisation's answers 404, as if it did not exist). A subscription the hub
 * would not honour is refused with 422 and an OperationOutcome naming what to change, and nothing is stored.
 */
@Path("/fhir/Subscription")
@Authenticated
public class SubscriptionResource {

    static final String TOPIC_CANONICAL = NotificationBundles.BACKPORT
            + "capabilitystatement-subscriptiontopic-canonical";

    /** The search parameters served, besides the format ones. */
    private static final Set<String> SEARCH_PARAMETERS = Set.of("status", "_format", "_pretty");

    private final FhirContext fhir;
    private final SubscriptionService service;
    private final SubscriptionFhir mapping;
    private final Callers callers;
    private final PublicUrls urls;

    public SubscriptionResource(FhirContext fhir, SubscriptionService service, SubscriptionFhir mapping,
            Callers callers, PublicUrls urls) {
        this.fhir = fhir;
        this.service = service;
        this.mapping = mapping;
        this.callers = callers;
        this.urls = urls;
    }

    @POST
    @Operation(hidden = true)
    public Uni<Response> create(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @QueryParam("_format") String format, @Context HttpHeaders headers, @Context UriInfo uriInfo,
            String body) {
        FhirFormat answerFormat = answerFormat(format, headers);
        Caller caller = callers.current();
        Optional<Response> refused = refusedUnlessProvider(caller, Permission.write("Subscription"), answerFormat);
        if (refused.isPresent()) {
            return Uni.createFrom().item(refused.get());
        }
        URI fhirBase = urls.fhirBase(uriInfo);
        return read(contentType, body, caller, fhirBase, answerFormat, null).fold(invalid -> Uni.createFrom()
                .item(invalid), draft -> service.create(caller.organisation(), draft, fhirBase)
                        .map(created -> subscription(answerFormat, false, created, 201)
                                .location(URI.create(created.url())).build()));
    }

    @GET
    @Operation(hidden = true)
    public Uni<Response> search(@QueryParam("status") String status, @QueryParam("_format") String format,
            @QueryParam("_pretty") boolean pretty, @Context HttpHeaders headers, @Context UriInfo uriInfo) {
        FhirFormat chosen = FhirFormat.negotiate(format, headers);
        if (chosen == null) {
            return Uni.createFrom().item(OperationOutcomes.unsupportedFormat(fhir, format));
        }
        Caller caller = callers.current();
        Optional<Response> refused = refusedUnlessProvider(caller, Permission.read("Subscription"), chosen);
        if (refused.isPresent()) {
            return Uni.createFrom().item(refused.get());
        }
        Optional<String> unknown = uriInfo.getQueryParameters().keySet().stream()
                .filter(name -> !SEARCH_PARAMETERS.contains(name)).findFirst();
        if (unknown.isPresent()) {
            return Uni.createFrom().item(error(chosen, 400, IssueType.NOTSUPPORTED, "UNKNOWN_SEARCH_PARAMETER",
                    "Subscriptions are searched by status only, not " + unknown.get()));
        }
        List<TopicSubscription.Status> statuses = new ArrayList<>();
        if (status != null) {
            for (String code : status.split(",")) {
                Optional<TopicSubscription.Status> known = TopicSubscription.Status.fromCode(code.trim());
                if (known.isEmpty()) {
                    return Uni.createFrom().item(error(chosen, 400, IssueType.CODEINVALID, "INVALID_SEARCH_VALUE",
                            "status is one of requested, active, error, off: not " + code));
                }
                statuses.add(known.get());
            }
        }
        String base = PublicUrls.withoutTrailingSlash(urls.fhirBase(uriInfo));
        return service.list(caller.organisation(), statuses).map(found -> {
            Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(found.size());
            bundle.addLink().setRelation("self").setUrl(base + "/Subscription"
                    + (uriInfo.getRequestUri().getRawQuery() == null ? "" : "?" + uriInfo.getRequestUri().getRawQuery()));
            for (TopicSubscription subscription : found) {
                bundle.addEntry().setFullUrl(subscription.url()).setResource(mapping.render(subscription))
                        .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
            }
            return Response.ok(chosen.encode(fhir, bundle, pretty), chosen.mediaType()).build();
        });
    }

    @GET
    @Path("/{id}")
    @Operation(hidden = true)
    public Uni<Response> read(@PathParam("id") String id, @QueryParam("_format") String format,
            @QueryParam("_pretty") boolean pretty, @Context HttpHeaders headers) {
        FhirFormat chosen = FhirFormat.negotiate(format, headers);
        if (chosen == null) {
            return Uni.createFrom().item(OperationOutcomes.unsupportedFormat(fhir, format));
        }
        return onOwn(id, Permission.read("Subscription"), chosen, (caller, subscriptionId) -> service
                .find(subscriptionId, caller.organisation()).map(found -> found
                        .map(subscription -> subscription(chosen, pretty, subscription, 200).build())
                        .orElseGet(() -> notFound(chosen, id))));
    }

    /** Replaces the subscription; unless it is turned off, it starts again from requested with a new handshake. */
    @PUT
    @Path("/{id}")
    @Operation(hidden = true)
    public Uni<Response> update(@PathParam("id") String id, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @QueryParam("_format") String format, @Context HttpHeaders headers, @Context UriInfo uriInfo,
            String body) {
        FhirFormat answerFormat = answerFormat(format, headers);
        URI fhirBase = urls.fhirBase(uriInfo);
        return onOwn(id, Permission.write("Subscription"), answerFormat, (caller, subscriptionId) -> read(contentType,
                body, caller, fhirBase, answerFormat, id).fold(invalid -> Uni.createFrom().item(invalid),
                        draft -> service.replace(subscriptionId, caller.organisation(), draft)
                                .map(replaced -> replaced.map(s -> subscription(answerFormat, false, s, 200).build())
                                        .orElseGet(() -> notFound(answerFormat, id)))));
    }

    /** Deletes it: nothing more is queued for it, and what was queued is withdrawn. */
    @DELETE
    @Path("/{id}")
    @Operation(hidden = true)
    public Uni<Response> delete(@PathParam("id") String id, @QueryParam("_format") String format,
            @Context HttpHeaders headers) {
        FhirFormat answerFormat = answerFormat(format, headers);
        return onOwn(id, Permission.write("Subscription"), answerFormat, (caller, subscriptionId) -> service
                .delete(subscriptionId, caller.organisation())
                .map(deleted -> deleted ? Response.noContent().build() : notFound(answerFormat, id)));
    }

    /**
     * What the CapabilityStatement says of subscriptions: the interactions served here, the Backport IG's profile,
     * and each topic's canonical ({@code capabilitystatement-subscriptiontopic-canonical}).
     */
    public static void declare(CapabilityStatementRestResourceComponent resource, URI fhirBase) {
        resource.setType("Subscription").setProfile(SubscriptionFhir.PROFILE)
                .setDocumentation("A provider organisation's rest-hook subscriptions (FHIR R4 Subscriptions Backport "
                        + "IG): criteria one of the topics below, optionally narrowed to one of the organisation's "
                        + "services by backport-filter-criteria <focus>?service=HealthcareService/<id>; an https "
                        + "endpoint without channel.header; id-only payloads; backport-heartbeat-period in seconds. "
                        + "It is requested until its endpoint accepts the handshake, then active; error when the "
                        + "handshake could not be delivered. Only the owning organisation sees it.");
        for (TypeRestfulInteraction interaction : new TypeRestfulInteraction[] { TypeRestfulInteraction.CREATE,
                TypeRestfulInteraction.READ, TypeRestfulInteraction.UPDATE, TypeRestfulInteraction.SEARCHTYPE,
                TypeRestfulInteraction.DELETE }) {
            resource.addInteraction().setCode(interaction);
        }
        resource.setUpdateCreate(false);
        resource.addSearchParam().setName("status").setType(SearchParamType.TOKEN)
                .setDocumentation("requested, active, error or off; several separated by commas");
        for (SubscriptionTopic topic : SubscriptionTopic.values()) {
            resource.addExtension(TOPIC_CANONICAL, new CanonicalType(topic.canonical(fhirBase)));
        }
    }

    /** A request's Subscription, or the answer that refuses it. */
    private Outcome read(String contentType, String body, Caller caller, URI fhirBase, FhirFormat format,
            String id) {
        Subscription subscription;
        try {
            subscription = FhirFormat.ofBody(contentType).parser(fhir).parseResource(Subscription.class, body);
        } catch (DataFormatException | ClassCastException e) {
            return new Outcome(error(format, 400, IssueType.STRUCTURE, "INVALID_RESOURCE",
                    "The body is not a FHIR Subscription: " + e.getMessage()), null);
        }
        if (id != null && subscription.getIdElement().hasIdPart() && !id.equals(subscription.getIdElement().getIdPart())) {
            return new Outcome(error(format, 400, IssueType.INVALID, "ID_MISMATCH", "The Subscription's id "
                    + subscription.getIdElement().getIdPart() + " is not the id in the URL " + id), null);
        }
        SubscriptionFhir.Read read = mapping.read(subscription, caller.organisation(), fhirBase);
        if (read instanceof SubscriptionFhir.Invalid invalid) {
            return new Outcome(error(format, 422, IssueType.BUSINESSRULE, invalid.code(), invalid.detail()), null);
        }
        return new Outcome(null, ((SubscriptionFhir.Valid) read).draft());
    }

    /** Either the refusal or the validated draft. */
    private record Outcome(Response refusal, SubscriptionRepository.Draft draft) {
        Uni<Response> fold(Function<Response, Uni<Response>> refused,
                Function<SubscriptionRepository.Draft, Uni<Response>> valid) {
            return refusal != null ? refused.apply(refusal) : valid.apply(draft);
        }
    }

    /**
     * Runs {@code action} on the subscription {@code id} for a caller allowed {@code wanted}; an id that cannot be a
     * subscription's is not found without asking the database.
     */
    private Uni<Response> onOwn(String id, Permission wanted, FhirFormat format,
            BiFunction<Caller, UUID, Uni<Response>> action) {
        Caller caller = callers.current();
        Optional<Response> refused = refusedUnlessProvider(caller, wanted, format);
        if (refused.isPresent()) {
            return Uni.createFrom().item(refused.get());
        }
        return FhirTaskResource.uuid(id).map(subscriptionId -> action.apply(caller, subscriptionId))
                .orElseGet(() -> Uni.createFrom().item(notFound(format, id)));
    }

    /** Subscriptions belong to a provider organisation whose token grants the permission. */
    private Optional<Response> refusedUnlessProvider(Caller caller, Permission wanted, FhirFormat format) {
        if (!caller.may(wanted) || !caller.isProvider()) {
            return Optional.of(OperationOutcomes.forbidden(fhir, format, "Only a provider organisation whose token "
                    + "grants " + wanted.scope() + " may do this"));
        }
        return Optional.empty();
    }

    private Response.ResponseBuilder subscription(FhirFormat format, boolean pretty, TopicSubscription subscription,
            int status) {
        return Response.status(status).type(format.mediaType())
                .entity(format.encode(fhir, mapping.render(subscription), pretty))
                .lastModified(java.util.Date.from(subscription.updatedAt()));
    }

    private static FhirFormat answerFormat(String format, HttpHeaders headers) {
        return Optional.ofNullable(FhirFormat.negotiate(format, headers)).orElse(FhirFormat.JSON);
    }

    private Response notFound(FhirFormat format, String id) {
        return OperationOutcomes.notFound(fhir, format, "Subscription", id);
    }

    private Response error(FhirFormat format, int status, IssueType type, String code, String detail) {
        return OperationOutcomes.response(fhir, format, status, type, code, detail).build();
    }
}

package org.rightcare.hub.subscriptions;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

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
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Subscription;
import org.rightcare.hub.fhir.FhirFormat;
import org.rightcare.hub.fhirapi.FhirHttp;
import org.rightcare.hub.fhirapi.FhirRefusal;
import org.rightcare.hub.fhirapi.Prefer;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.Callers;
import org.rightcare.hub.security.Permission;
import org.rightcare.hub.support.PublicUrls;

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

    /** The search parameters served, besides the format ones. */
    private static final Set<String> SEARCH_PARAMETERS = Set.of("status", "_format", "_pretty");

    private final FhirHttp http;
    private final SubscriptionService service;
    private final SubscriptionFhir mapping;
    private final Callers callers;
    private final PublicUrls urls;

    public SubscriptionResource(FhirHttp http, SubscriptionService service, SubscriptionFhir mapping,
            Callers callers, PublicUrls urls) {
        this.http = http;
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
        FhirFormat answerFormat = FhirHttp.answerFormat(format, headers);
        Caller caller = provider(Permission.write("Subscription"));
        URI fhirBase = urls.fhirBase(uriInfo);
        SubscriptionRepository.Draft draft = draft(contentType, body, caller, fhirBase, null);
        return service.create(caller.organisation(), draft, fhirBase)
                .map(created -> subscriptionWritten(answerFormat, Prefer.of(headers), created, 201, "created")
                        .location(URI.create(created.url())).build());
    }

    @GET
    @Operation(hidden = true)
    public Uni<Response> search(@QueryParam("status") String status, @QueryParam("_format") String format,
            @QueryParam("_pretty") boolean pretty, @Context HttpHeaders headers, @Context UriInfo uriInfo) {
        FhirFormat chosen = http.format(format, headers);
        Caller caller = provider(Permission.read("Subscription"));
        Optional<String> unknown = uriInfo.getQueryParameters().keySet().stream()
                .filter(name -> !SEARCH_PARAMETERS.contains(name)).findFirst();
        if (unknown.isPresent()) {
            throw new FhirRefusal(400, IssueType.NOTSUPPORTED, "UNKNOWN_SEARCH_PARAMETER",
                    "Subscriptions are searched by status only, not " + unknown.get());
        }
        List<TopicSubscription.Status> statuses = new ArrayList<>();
        if (status != null) {
            for (String code : status.split(",")) {
                statuses.add(TopicSubscription.Status.fromCode(code.trim()).orElseThrow(() -> new FhirRefusal(400,
                        IssueType.CODEINVALID, "INVALID_SEARCH_VALUE",
                        "status is one of requested, active, error, off: not " + code)));
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
            return http.answer(200, chosen, bundle, pretty).build();
        });
    }

    @GET
    @Path("/{id}")
    @Operation(hidden = true)
    public Uni<Response> read(@PathParam("id") String id, @QueryParam("_format") String format,
            @QueryParam("_pretty") boolean pretty, @Context HttpHeaders headers) {
        FhirFormat chosen = http.format(format, headers);
        Caller caller = provider(Permission.read("Subscription"));
        return service.find(subscriptionId(id), caller.organisation())
                .map(found -> subscription(chosen, pretty, found.orElseThrow(() -> notFound(id)), 200).build());
    }

    /** Replaces the subscription; unless it is turned off, it starts again from requested with a new handshake. */
    @PUT
    @Path("/{id}")
    @Operation(hidden = true)
    public Uni<Response> update(@PathParam("id") String id, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @QueryParam("_format") String format, @Context HttpHeaders headers, @Context UriInfo uriInfo,
            String body) {
        FhirFormat answerFormat = FhirHttp.answerFormat(format, headers);
        Caller caller = provider(Permission.write("Subscription"));
        UUID subscriptionId = subscriptionId(id);
        SubscriptionRepository.Draft draft = draft(contentType, body, caller, urls.fhirBase(uriInfo), id);
        return service.replace(subscriptionId, caller.organisation(), draft)
                .map(replaced -> subscriptionWritten(answerFormat, Prefer.of(headers),
                        replaced.orElseThrow(() -> notFound(id)), 200, "updated").build());
    }

    /** Deletes it: nothing more is queued for it, and what was queued is withdrawn. */
    @DELETE
    @Path("/{id}")
    @Operation(hidden = true)
    public Uni<Response> delete(@PathParam("id") String id) {
        Caller caller = provider(Permission.write("Subscription"));
        return service.delete(subscriptionId(id), caller.organisation()).map(deleted -> {
            if (!deleted) {
                throw notFound(id);
            }
            return Response.noContent().build();
        });
    }

    /** The request's Subscription as a draft the hub would honour; anything else is refused. */
    private SubscriptionRepository.Draft draft(String contentType, String body, Caller caller, URI fhirBase,
            String id) {
        Subscription subscription = http.read(Subscription.class, contentType, body);
        if (id != null) {
            FhirHttp.requireSameId(subscription, id);
        }
        SubscriptionFhir.Read read = mapping.read(subscription, caller.organisation(), fhirBase);
        if (read instanceof SubscriptionFhir.Invalid invalid) {
            throw new FhirRefusal(422, IssueType.BUSINESSRULE, invalid.code(), invalid.detail());
        }
        return ((SubscriptionFhir.Valid) read).draft();
    }

    /** Subscriptions belong to a provider organisation whose token grants the permission. */
    private Caller provider(Permission wanted) {
        Caller caller = callers.current();
        if (!caller.may(wanted) || !caller.isProvider()) {
            throw FhirRefusal.forbidden("Only a provider organisation whose token grants " + wanted.scope()
                    + " may do this");
        }
        return caller;
    }

    /** An id that cannot be a subscription's is not found without asking the database. */
    private static UUID subscriptionId(String id) {
        return FhirHttp.uuid(id).orElseThrow(() -> notFound(id));
    }

    private Response.ResponseBuilder subscription(FhirFormat format, boolean pretty, TopicSubscription subscription,
            int status) {
        return http.answer(status, format, mapping.render(subscription), pretty)
                .lastModified(java.util.Date.from(subscription.updatedAt()));
    }

    /** A create's or update's answer as the request's {@link Prefer} asks; subscriptions carry no version. */
    private Response.ResponseBuilder subscriptionWritten(FhirFormat format, Prefer prefer,
            TopicSubscription subscription, int status, String done) {
        return http.written(status, format, prefer, () -> mapping.render(subscription), "Subscription/"
                + subscription.id() + " " + done, null, subscription.updatedAt());
    }

    private static FhirRefusal notFound(String id) {
        return FhirRefusal.notFound("Subscription", id);
    }
}

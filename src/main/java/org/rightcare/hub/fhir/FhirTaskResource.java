package org.rightcare.hub.fhir;

import java.io.StringReader;
import java.net.URI;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonPatch;
import jakarta.json.JsonStructure;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.cascade.OfferAnswers;
import org.rightcare.hub.offers.OfferRepository;
import org.rightcare.hub.offers.OfferStatus;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.Callers;
import org.rightcare.hub.security.Permission;
import org.rightcare.hub.cascade.StackClaims;
import org.rightcare.hub.support.PublicUrls;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * {@code /fhir/Task}: offers as Tasks. The service offered a case reads its Task and answers it by update
 * ({@code PUT}) or JSON Patch ({@code PATCH}): received, accepted, rejected with an NHS rejection code, in-progress,
 * completed. A provider claims a case from its clinical stack by creating a Task ({@code POST}) with status
 * accepted, focus the ServiceRequest and, when several of its services could take it, the service as input. Each
 * is a domain operation ({@link OfferAnswers}, {@link StackClaims}), not a store write: only the elements named here
 * are read from a body.
 */
@Path("/fhir/Task")
@Authenticated
public class FhirTaskResource {

    private static final Pattern ETAG_VERSION = Pattern.compile("^(W/)?\"(\\d+)\"$");
    private static final String JSON_PATCH = "application/json-patch+json";
    static final String SERVICE_INPUT = "healthcare-service";

    private final FhirContext fhir;
    private final Pool pool;
    private final OfferRepository offers;
    private final OfferAnswers answers;
    private final StackClaims claims;
    private final ServiceDirectory directory;
    private final TaskRenderer renderer;
    private final Callers callers;
    private final FhirAccessAudit audit;
    private final FhirSearches searches;
    private final PublicUrls urls;

    public FhirTaskResource(FhirContext fhir, Pool pool, OfferRepository offers, OfferAnswers answers,
            StackClaims claims, ServiceDirectory directory, TaskRenderer renderer, Callers callers,
            FhirAccessAudit audit, FhirSearches searches, PublicUrls urls) {
        this.fhir = fhir;
        this.pool = pool;
        this.offers = offers;
        this.answers = answers;
        this.claims = claims;
        this.directory = directory;
        this.renderer = renderer;
        this.callers = callers;
        this.audit = audit;
        this.searches = searches;
        this.urls = urls;
    }

    @GET
    @Operation(hidden = true)
    public Uni<Response> search(@QueryParam("_format") String format, @QueryParam("_pretty") boolean pretty,
            @Context HttpHeaders headers, @Context UriInfo uriInfo) {
        FhirFormat chosen = FhirFormat.negotiate(format, headers);
        if (chosen == null) {
            return Uni.createFrom().item(OperationOutcomes.unsupportedFormat(fhir, format));
        }
        return searches.search(callers.current(), "Task", chosen, pretty, uriInfo, headers);
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
        Caller caller = callers.current();
        if (!caller.may(Permission.read("Task"))) {
            return refuse(caller, FhirAccessAudit.READ, id, FhirAccessAudit.DENIED,
                    OperationOutcomes.forbidden(fhir, chosen, "The token does not grant reading Task"));
        }
        return visibleOffer(caller, id).chain(visible -> {
            if (visible.isEmpty()) {
                return refuse(caller, FhirAccessAudit.READ, id, FhirAccessAudit.NOT_FOUND, notFound(chosen, id));
            }
            return audit.record(caller, FhirAccessAudit.READ, "Task", id, FhirAccessAudit.SUCCESS,
                    referralDetail(visible.get()))
                    .map(ignored -> taskResponse(chosen, pretty, visible.get(), 200).build());
        });
    }

    @PUT
    @Path("/{id}")
    @Operation(hidden = true)
    public Uni<Response> update(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, @QueryParam("_format") String format,
            @Context HttpHeaders headers, String body) {
        FhirFormat answerFormat = Optional.ofNullable(FhirFormat.negotiate(format, headers)).orElse(FhirFormat.JSON);
        Caller caller = callers.current();
        Optional<Response> refused = mayAnswer(caller, answerFormat);
        if (refused.isPresent()) {
            return refuse(caller, FhirAccessAudit.UPDATE, id, FhirAccessAudit.DENIED, refused.get());
        }
        Task task;
        try {
            task = FhirFormat.ofBody(contentType).parser(fhir).parseResource(Task.class, body);
        } catch (DataFormatException | ClassCastException e) {
            return refuse(caller, FhirAccessAudit.UPDATE, id, FhirAccessAudit.REFUSED, error(answerFormat, 400,
                    IssueType.STRUCTURE, "INVALID_RESOURCE", "The body is not a FHIR Task: " + e.getMessage()));
        }
        return answer(caller, FhirAccessAudit.UPDATE, id, ifMatch, task, answerFormat);
    }

    /** JSON Patch (RFC 6902) applied to the Task as the hub renders it; the result is answered as an update. */
    @PATCH
    @Path("/{id}")
    @Operation(hidden = true)
    public Uni<Response> patch(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, @QueryParam("_format") String format,
            @Context HttpHeaders headers, String body) {
        FhirFormat answerFormat = Optional.ofNullable(FhirFormat.negotiate(format, headers)).orElse(FhirFormat.JSON);
        Caller caller = callers.current();
        Optional<Response> refused = mayAnswer(caller, answerFormat);
        if (refused.isPresent()) {
            return refuse(caller, FhirAccessAudit.PATCH, id, FhirAccessAudit.DENIED, refused.get());
        }
        if (contentType == null || !contentType.toLowerCase().startsWith(JSON_PATCH)) {
            return refuse(caller, FhirAccessAudit.PATCH, id, FhirAccessAudit.REFUSED, error(answerFormat, 415,
                    IssueType.NOTSUPPORTED, "UNSUPPORTED_PATCH_FORMAT", "PATCH takes a JSON Patch (" + JSON_PATCH
                            + ")"));
        }
        JsonPatch jsonPatch;
        try {
            jsonPatch = Json.createPatch(Json.createReader(new StringReader(body)).readArray());
        } catch (JsonException | IllegalStateException | ClassCastException e) {
            return refuse(caller, FhirAccessAudit.PATCH, id, FhirAccessAudit.REFUSED, error(answerFormat, 400,
                    IssueType.STRUCTURE, "INVALID_PATCH", "The body is not a JSON Patch array: " + e.getMessage()));
        }
        return visibleOffer(caller, id).chain(visible -> {
            if (visible.isEmpty()) {
                return refuse(caller, FhirAccessAudit.PATCH, id, FhirAccessAudit.NOT_FOUND,
                        notFound(answerFormat, id));
            }
            Task patched;
            try {
                String current = fhir.newJsonParser().encodeResourceToString(render(visible.get()));
                JsonStructure result = jsonPatch.apply(Json.createReader(new StringReader(current)).readObject());
                patched = fhir.newJsonParser().parseResource(Task.class, result.toString());
            } catch (JsonException | DataFormatException e) {
                return refuse(caller, FhirAccessAudit.PATCH, id, FhirAccessAudit.REFUSED, error(answerFormat, 422,
                        IssueType.PROCESSING, "PATCH_FAILED", "The patch cannot be applied: " + e.getMessage()));
            }
            // Checked against the version read just now, unless the caller names the version it saw itself.
            String version = ifMatch != null && !ifMatch.isBlank() ? ifMatch : "W/\"" + visible.get().version() + "\"";
            return answer(caller, FhirAccessAudit.PATCH, id, version, patched, answerFormat);
        });
    }

    /**
     * Claims a case from the caller's clinical stack: {@code status} accepted, {@code focus} the ServiceRequest, and
     * an {@code input} of type {@value #SERVICE_INPUT} naming the HealthcareService when more than one of the
     * caller's services could take the case. 201 with the accepted Task; 409 when the case has gone.
     */
    @POST
    @Operation(hidden = true)
    public Uni<Response> claim(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @QueryParam("_format") String format, @Context HttpHeaders headers, @Context UriInfo uriInfo,
            String body) {
        FhirFormat answerFormat = Optional.ofNullable(FhirFormat.negotiate(format, headers)).orElse(FhirFormat.JSON);
        Caller caller = callers.current();
        Optional<Response> refused = mayAnswer(caller, answerFormat);
        if (refused.isPresent()) {
            return refuse(caller, FhirAccessAudit.CREATE, null, FhirAccessAudit.DENIED, refused.get());
        }
        Task task;
        try {
            task = FhirFormat.ofBody(contentType).parser(fhir).parseResource(Task.class, body);
        } catch (DataFormatException | ClassCastException e) {
            return refuse(caller, FhirAccessAudit.CREATE, null, FhirAccessAudit.REFUSED, error(answerFormat, 400,
                    IssueType.STRUCTURE, "INVALID_RESOURCE", "The body is not a FHIR Task: " + e.getMessage()));
        }
        if (task.getStatus() != Task.TaskStatus.ACCEPTED) {
            return refuse(caller, FhirAccessAudit.CREATE, null, FhirAccessAudit.REFUSED, error(answerFormat, 422,
                    IssueType.BUSINESSRULE, "UNSUPPORTED_TASK_STATUS",
                    "A Task is created only to claim a case from the clinical stack: status must be accepted"));
        }
        Optional<UUID> referralId = Optional.ofNullable(task.getFocus().getReference())
                .flatMap(reference -> org.rightcare.hub.fhir.search.SearchRequest.referenceId(reference,
                        "ServiceRequest"))
                .flatMap(ReferralResourceIds::referralIdOf);
        if (referralId.isEmpty()) {
            return refuse(caller, FhirAccessAudit.CREATE, null, FhirAccessAudit.REFUSED, error(answerFormat, 422,
                    IssueType.REQUIRED, "FOCUS_REQUIRED", "focus must reference the ServiceRequest to claim"));
        }
        String serviceId = task.getInput().stream()
                .filter(input -> SERVICE_INPUT.equals(input.getType().getText())
                        || input.getType().getCoding().stream().anyMatch(c -> SERVICE_INPUT.equals(c.getCode())))
                .map(input -> input.getValue() instanceof Reference reference ? reference.getReference() : null)
                .filter(reference -> reference != null)
                .findFirst()
                .flatMap(reference -> org.rightcare.hub.fhir.search.SearchRequest.referenceId(reference,
                        "HealthcareService"))
                .orElse(null);
        return claims.claim(caller, referralId.get(), serviceId).chain(result -> {
            if (result instanceof StackClaims.Claimed claimed) {
                URI location = URI.create(PublicUrls.withoutTrailingSlash(urls.fhirBase(uriInfo)) + "/Task/"
                        + claimed.offer().id() + "/_history/" + claimed.offer().version());
                return Uni.createFrom().item(taskResponse(answerFormat, false, claimed.offer(), 201)
                        .location(location).build());
            }
            if (result instanceof StackClaims.NoLongerOpen gone) {
                return Uni.createFrom().item(error(answerFormat, 409, IssueType.CONFLICT, "CASE_NOT_CLAIMABLE",
                        gone.detail()));
            }
            if (result instanceof StackClaims.ServiceNotEligible notEligible) {
                return Uni.createFrom().item(error(answerFormat, 422, IssueType.BUSINESSRULE, "SERVICE_NOT_ELIGIBLE",
                        notEligible.detail()));
            }
            return Uni.createFrom().item(OperationOutcomes.notFound(fhir, answerFormat, "ServiceRequest",
                    referralId.get().toString()));
        });
    }

    private Uni<Response> answer(Caller caller, String interaction, String id, String ifMatch, Task task,
            FhirFormat format) {
        Optional<UUID> offerId = uuid(id);
        if (offerId.isEmpty()) {
            return refuse(caller, interaction, id, FhirAccessAudit.NOT_FOUND, notFound(format, id));
        }
        if (task.hasIdElement() && task.getIdElement().hasIdPart() && !id.equals(task.getIdElement().getIdPart())) {
            return refuse(caller, interaction, id, FhirAccessAudit.REFUSED, error(format, 400, IssueType.INVALID,
                    "ID_MISMATCH", "The Task's id " + task.getIdElement().getIdPart() + " is not the id in the URL "
                            + id));
        }
        Integer expectedVersion = null;
        if (ifMatch != null && !ifMatch.isBlank()) {
            Matcher matcher = ETAG_VERSION.matcher(ifMatch.trim());
            if (!matcher.matches()) {
                return refuse(caller, interaction, id, FhirAccessAudit.REFUSED, error(format, 400, IssueType.INVALID,
                        "INVALID_IF_MATCH", "If-Match must be a version ETag such as W/\"3\""));
            }
            expectedVersion = Integer.parseInt(matcher.group(2));
        }
        Optional<OfferAnswers.Answer> answer = task.hasStatus()
                ? OfferStatus.fromCode(task.getStatus().toCode()).flatMap(OfferAnswers.Answer::forTarget)
                : Optional.empty();
        if (answer.isEmpty()) {
            return refuse(caller, interaction, id, FhirAccessAudit.REFUSED, error(format, 422, IssueType.BUSINESSRULE,
                    "UNSUPPORTED_TASK_STATUS", "A provider may set status received, accepted, rejected, in-progress "
                            + "or completed"));
        }
        // Recorded after the answer commits (or is refused); a failed audit write is logged, not answered.
        return answers.answer(offerId.get(), caller.organisation(), answer.get(), reason(task), expectedVersion)
                .chain(result -> {
                    Response response = toResponse(format, id, result);
                    String outcome = result instanceof OfferAnswers.Answered ? FhirAccessAudit.SUCCESS
                            : result instanceof OfferAnswers.NotFound ? FhirAccessAudit.NOT_FOUND
                            : FhirAccessAudit.REFUSED;
                    return audit.recordRefusal(caller, interaction, "Task", id, outcome,
                            new JsonObject().put("status", task.getStatus().toCode()).put("http", response.getStatus()))
                            .map(ignored -> response);
                });
    }

    /** Answering and claiming need a provider organisation allowed to write Tasks. */
    private Optional<Response> mayAnswer(Caller caller, FhirFormat format) {
        if (!caller.may(Permission.write("Task")) || !caller.isProvider()) {
            return Optional.of(OperationOutcomes.forbidden(fhir, format,
                    "Only a provider organisation whose token grants system/Task.write may answer or claim"));
        }
        return Optional.empty();
    }

    private Uni<Response> refuse(Caller caller, String interaction, String id, String outcome, Response response) {
        return audit.recordRefusal(caller, interaction, "Task", id, outcome,
                new JsonObject().put("http", response.getStatus())).map(ignored -> response);
    }

    private Response toResponse(FhirFormat format, String id, OfferAnswers.Result result) {
        if (result instanceof OfferAnswers.Answered answered) {
            return taskResponse(format, false, answered.offer(), 200).build();
        }
        if (result instanceof OfferAnswers.StaleVersion stale) {
            return error(format, 412, IssueType.CONFLICT, "VERSION_CONFLICT",
                    "The Task is at version " + stale.currentVersion() + "; read it again before answering");
        }
        if (result instanceof OfferAnswers.IllegalTransition illegal) {
            return error(format, 409, IssueType.BUSINESSRULE, "ILLEGAL_TRANSITION", illegal.detail());
        }
        if (result instanceof OfferAnswers.InvalidReason invalid) {
            return error(format, 422, IssueType.CODEINVALID, "INVALID_STATUS_REASON", invalid.detail());
        }
        return notFound(format, id);
    }

    private static OfferStatusReason reason(Task task) {
        if (!task.hasStatusReason()) {
            return null;
        }
        String text = task.getStatusReason().getText();
        for (Coding coding : task.getStatusReason().getCoding()) {
            OfferStatusReason reason = new OfferStatusReason(coding.getSystem(), coding.getCode(), text);
            if (reason.isProviderRejectionCode()) {
                return reason;
            }
        }
        Coding first = task.getStatusReason().getCodingFirstRep();
        return new OfferStatusReason(first.getSystem(), first.getCode(), text);
    }

    /** The offer with this id if the caller may see it; empty for no such offer, or another organisation's. */
    private Uni<Optional<Offer>> visibleOffer(Caller caller, String id) {
        Optional<UUID> offerId = uuid(id);
        if (offerId.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return offers.findById(pool, offerId.get()).map(found -> found.filter(offer -> maySee(caller, offer)));
    }

    /** Providers see the offers made to their organisation; the hub's own staff see all. */
    private static boolean maySee(Caller caller, Offer offer) {
        return caller.isHubStaff() || caller.isProvider() && offer.odsCode().equals(caller.organisation());
    }

    private Task render(Offer offer) {
        return renderer.render(offer, directory.find(offer.serviceId()).orElse(null));
    }

    private Response.ResponseBuilder taskResponse(FhirFormat format, boolean pretty, Offer offer, int status) {
        return Response.status(status).type(format.mediaType()).entity(format.encode(fhir, render(offer), pretty))
                .tag(new EntityTag(String.valueOf(offer.version()), true))
                .lastModified(java.util.Date.from(offer.updatedAt()));
    }

    private static JsonObject referralDetail(Offer offer) {
        return new JsonObject().put("referral", offer.referralId().toString());
    }

    private Response notFound(FhirFormat format, String id) {
        return OperationOutcomes.notFound(fhir, format, "Task", id);
    }

    private Response error(FhirFormat format, int status, IssueType type, String code, String detail) {
        return OperationOutcomes.response(fhir, format, status, type, code, detail).build();
    }

    /** An id that is a UUID in the canonical form the hub renders (offers, subscriptions); empty otherwise. */
    public static Optional<UUID> uuid(String id) {
        try {
            UUID parsed = UUID.fromString(id);
            return parsed.toString().equals(id) ? Optional.of(parsed) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

package org.rightcare.hub.fhirapi;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.json.JsonPatch;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
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
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.rightcare.hub.cascade.OfferAnswers;
import org.rightcare.hub.cascade.StackClaims;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.fhir.FhirFormat;
import org.rightcare.hub.fhir.FhirInteraction;
import org.rightcare.hub.fhir.HubIdentifiers;
import org.rightcare.hub.fhir.ProviderTasks;
import org.rightcare.hub.fhir.TaskRenderer;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferRepository;
import org.rightcare.hub.referral.PatientIdentity;
import org.rightcare.hub.referral.ReferralRepository;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.Callers;
import org.rightcare.hub.security.Permission;
import org.rightcare.hub.support.PublicUrls;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * {@code /fhir/Task}: offers as Tasks. The service offered a case reads its Task and answers it by update
 * ({@code PUT}) or JSON Patch ({@code PATCH}): received, accepted, rejected with an NHS rejection code, in-progress,
 * completed. A provider claims a case from its clinical stack by creating a Task ({@code POST}) with status
 * accepted, focus the ServiceRequest and, when several of its services could take it, the service as input. Each
 * is a domain operation ({@link OfferAnswers}, {@link StackClaims}), not a store write: only the elements named here
 * are read from a body. Every call is audited ({@link FhirAccess}); every refusal is a {@link FhirRefusal}. An answer
 * whose Task names another patient than the referral's is refused (422) and changes nothing.
 */
@Path("/fhir/Task")
@Authenticated
public class FhirTaskResource {

    /** The status of an answer taken. */
    private static final int ANSWERED = 200;

    private final FhirHttp http;
    private final Pool pool;
    private final OfferRepository offers;
    private final OfferAnswers answers;
    private final StackClaims claims;
    private final ServiceDirectory directory;
    private final TaskRenderer renderer;
    private final Callers callers;
    private final FhirAccess access;
    private final FhirSearches searches;
    private final PublicUrls urls;
    private final ReferralRepository referrals;
    private final FhirAccessAudit accessAudit;

    public FhirTaskResource(FhirHttp http, Pool pool, OfferRepository offers, OfferAnswers answers,
            StackClaims claims, ServiceDirectory directory, TaskRenderer renderer, Callers callers,
            FhirAccess access, FhirSearches searches, PublicUrls urls, ReferralRepository referrals,
            FhirAccessAudit accessAudit) {
        this.accessAudit = accessAudit;
        this.http = http;
        this.pool = pool;
        this.offers = offers;
        this.answers = answers;
        this.claims = claims;
        this.directory = directory;
        this.renderer = renderer;
        this.callers = callers;
        this.access = access;
        this.searches = searches;
        this.urls = urls;
        this.referrals = referrals;
    }

    @GET
    @Operation(hidden = true)
    public Uni<Response> search(@QueryParam("_format") String format, @QueryParam("_pretty") boolean pretty,
            @Context HttpHeaders headers, @Context UriInfo uriInfo) {
        return searches.search(callers.current(), "Task", http.format(format, headers), pretty, uriInfo, headers);
    }

    @GET
    @Path("/{id}")
    @Operation(hidden = true)
    public Uni<Response> read(@PathParam("id") String id, @QueryParam("_format") String format,
            @QueryParam("_pretty") boolean pretty, @Context HttpHeaders headers) {
        FhirFormat chosen = http.format(format, headers);
        access.audit(FhirInteraction.READ, "Task", id);
        Caller caller = callers.current();
        if (!caller.may(Permission.read("Task"))) {
            throw FhirRefusal.forbidden("The token does not grant reading Task");
        }
        return visibleOffer(caller, id).map(offer -> {
            access.detail("referral", offer.referralId().toString());
            return taskResponse(chosen, pretty, offer, 200).build();
        });
    }

    @PUT
    @Path("/{id}")
    @Operation(hidden = true)
    public Uni<Response> update(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, @QueryParam("_format") String format,
            @Context HttpHeaders headers, String body) {
        access.audit(FhirInteraction.UPDATE, "Task", id);
        Caller caller = mayAnswer();
        return answer(caller, id, ifMatch, http.read(Task.class, contentType, body), FhirHttp.answerFormat(format,
                headers), Prefer.of(headers));
    }

    /** JSON Patch (RFC 6902) applied to the Task as the hub renders it; the result is answered as an update. */
    @PATCH
    @Path("/{id}")
    @Operation(hidden = true)
    public Uni<Response> patch(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, @QueryParam("_format") String format,
            @Context HttpHeaders headers, String body) {
        access.audit(FhirInteraction.PATCH, "Task", id);
        Caller caller = mayAnswer();
        JsonPatch patch = FhirHttp.jsonPatch(contentType, body);
        return visibleOffer(caller, id).chain(offer -> {
            // Checked against the version read just now, unless the caller names the version it saw itself.
            String version = ifMatch != null && !ifMatch.isBlank() ? ifMatch : "W/\"" + offer.version() + "\"";
            return answer(caller, id, version, http.apply(patch, render(offer)), FhirHttp.answerFormat(format,
                    headers), Prefer.of(headers));
        });
    }

    /**
     * Claims a case from the caller's clinical stack: {@code status} accepted, {@code focus} the ServiceRequest, and
     * an {@code input} of type {@value ProviderTasks#SERVICE_INPUT} naming the HealthcareService when more than one of the
     * caller's services could take the case. 201 with the accepted Task; 409 when the case has gone, or when the
     * service is closed now or not eligible for it (with the reason).
     */
    @POST
    @Operation(hidden = true)
    public Uni<Response> claim(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @QueryParam("_format") String format, @Context HttpHeaders headers, @Context UriInfo uriInfo,
            String body) {
        access.audit(FhirInteraction.CREATE, "Task", null);
        Caller caller = mayAnswer();
        Task task = http.read(Task.class, contentType, body);
        if (task.getStatus() != Task.TaskStatus.ACCEPTED) {
            throw new FhirRefusal(422, IssueType.BUSINESSRULE, "UNSUPPORTED_TASK_STATUS",
                    "A Task is created only to claim a case from the clinical stack: status must be accepted");
        }
        UUID referralId = ProviderTasks.claimedReferral(task).orElseThrow(() -> new FhirRefusal(422,
                IssueType.REQUIRED, "FOCUS_REQUIRED", "focus must reference the ServiceRequest to claim"));
        access.detail("referral", referralId.toString());
        FhirFormat answerFormat = FhirHttp.answerFormat(format, headers);
        return claims.claim(caller, referralId, ProviderTasks.claimedService(task)).map(result -> {
            if (result instanceof StackClaims.Claimed claimed) {
                access.entity("Task", claimed.offer().id().toString());
                URI location = URI.create(PublicUrls.withoutTrailingSlash(urls.fhirBase(uriInfo)) + "/Task/"
                        + claimed.offer().id() + "/_history/" + claimed.offer().version());
                return taskWritten(answerFormat, Prefer.of(headers), claimed.offer(), 201, "created")
                        .location(location).build();
            }
            if (result instanceof StackClaims.NoLongerOpen gone) {
                throw new FhirRefusal(409, IssueType.CONFLICT, "CASE_NOT_CLAIMABLE", gone.detail());
            }
            if (result instanceof StackClaims.NotClaimable refused) {
                throw new FhirRefusal(409, IssueType.BUSINESSRULE, "SERVICE_CANNOT_CLAIM", refused.reason());
            }
            if (result instanceof StackClaims.ServiceNotEligible notEligible) {
                throw new FhirRefusal(422, IssueType.BUSINESSRULE, "SERVICE_NOT_ELIGIBLE", notEligible.detail());
            }
            throw FhirRefusal.notFound("ServiceRequest", referralId.toString());
        });
    }

    private Uni<Response> answer(Caller caller, String id, String ifMatch, Task task, FhirFormat format,
            Prefer prefer) {
        UUID offerId = FhirHttp.uuid(id).orElseThrow(() -> FhirRefusal.notFound("Task", id));
        FhirHttp.requireSameId(task, id);
        Integer expectedVersion = FhirHttp.expectedVersion(ifMatch);
        OfferAnswers.Answer answer = ProviderTasks.status(task).flatMap(OfferAnswers.Answer::forTarget)
                .orElseThrow(() -> new FhirRefusal(422, IssueType.BUSINESSRULE, "UNSUPPORTED_TASK_STATUS",
                        "A provider may set status received, accepted, rejected, in-progress or completed"));
        access.detail("status", task.getStatus().toCode());
        return samePatient(offerId, task)
                // The audit record of the change commits with it: one transaction per answer.
                .chain(() -> answers.answer(offerId, caller.organisation(), List.of(answer), ProviderTasks.reason(task),
                        expectedVersion, answer == OfferAnswers.Answer.COMPLETE ? ProviderTasks.outcome(task) : null,
                        (tx, answered) -> accessAudit.recordWithChange(tx, ANSWERED))
                        .map(result -> {
                            if (result instanceof OfferAnswers.Answered answered) {
                                return taskWritten(format, prefer, answered.offer(), ANSWERED, "updated").build();
                            }
                            if (result instanceof OfferAnswers.StaleVersion stale) {
                                throw new FhirRefusal(412, IssueType.CONFLICT, "VERSION_CONFLICT", "The Task is at version "
                                        + stale.currentVersion() + "; read it again before answering");
                            }
                            if (result instanceof OfferAnswers.IllegalTransition illegal) {
                                throw new FhirRefusal(409, IssueType.BUSINESSRULE, "ILLEGAL_TRANSITION", illegal.detail());
                            }
                            if (result instanceof OfferAnswers.InvalidReason invalid) {
                                throw new FhirRefusal(422, IssueType.CODEINVALID, "INVALID_STATUS_REASON", invalid.detail());
                            }
                            throw FhirRefusal.notFound("Task", id);
                        }));
    }

    /**
     * An answer whose Task names a patient ({@code for}) names the referral's: the hub's own Patient id, and, when
     * it carries an identifier, the same NHS number ({@link PatientIdentity}). Otherwise 422, before anything
     * changes. An answer that names no patient answers the Task the hub made, which names the right one.
     */
    private Uni<Void> samePatient(UUID offerId, Task task) {
        if (!task.hasFor()) {
            return Uni.createFrom().voidItem();
        }
        Reference named = task.getFor();
        return offers.findById(pool, offerId).chain(offer -> {
            if (offer.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            UUID referralId = offer.get().referralId();
            if (named.hasReference() && !named.getReferenceElement().getIdPart().equals(referralId.toString())) {
                throw notThePatient("for names " + named.getReference() + ", not the referral's Patient/"
                        + referralId);
            }
            if (!named.hasIdentifier()) {
                return Uni.createFrom().voidItem();
            }
            PatientIdentity answer = new PatientIdentity(HubIdentifiers.NHS_NUMBER.equals(
                    named.getIdentifier().getSystem()) ? named.getIdentifier().getValue() : null, null, null);
            return referrals.findById(pool, referralId).invoke(referral -> referral
                    .flatMap(r -> PatientIdentity.of(r.incident().patient()).differenceFrom(answer))
                    .ifPresent(difference -> {
                        throw notThePatient(difference);
                    })).replaceWithVoid();
        });
    }

    private static FhirRefusal notThePatient(String difference) {
        return new FhirRefusal(422, IssueType.BUSINESSRULE, "PATIENT_MISMATCH",
                "The Task names another patient than the referral's: " + difference);
    }

    /** Answering and claiming need a provider organisation allowed to write Tasks. */
    private Caller mayAnswer() {
        Caller caller = callers.current();
        if (!caller.may(Permission.write("Task")) || !caller.isProvider()) {
            throw FhirRefusal.forbidden(
                    "Only a provider organisation whose token grants system/Task.write may answer or claim");
        }
        return caller;
    }

    /** The offer with this id if the caller may see it: 404 for no such offer, or another organisation's. */
    private Uni<Offer> visibleOffer(Caller caller, String id) {
        UUID offerId = FhirHttp.uuid(id).orElseThrow(() -> FhirRefusal.notFound("Task", id));
        return offers.findById(pool, offerId).map(found -> found.filter(offer -> maySee(caller, offer))
                .orElseThrow(() -> FhirRefusal.notFound("Task", id)));
    }

    /** Providers see the offers made to their organisation; the hub's own staff see all. */
    private static boolean maySee(Caller caller, Offer offer) {
        return caller.isHubStaff() || caller.isProvider() && offer.odsCode().equals(caller.organisation());
    }

    private Task render(Offer offer) {
        return renderer.render(offer, directory.find(offer.serviceId()).orElse(null));
    }

    private Response.ResponseBuilder taskResponse(FhirFormat format, boolean pretty, Offer offer, int status) {
        return http.answer(status, format, render(offer), pretty, offer.version(), offer.updatedAt());
    }

    /** A claim's or an answer's Task, rendered only if the caller wants it back ({@link Prefer}). */
    private Response.ResponseBuilder taskWritten(FhirFormat format, Prefer prefer, Offer offer, int status,
            String done) {
        return http.written(status, format, prefer, () -> render(offer), "Task/" + offer.id() + " " + done
                + ", version " + offer.version(), offer.version(), offer.updatedAt());
    }
}

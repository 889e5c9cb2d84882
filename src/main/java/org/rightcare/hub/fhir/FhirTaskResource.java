package org.rightcare.hub.fhir;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Task;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferAnswers;
import org.rightcare.hub.offers.OfferRepository;
import org.rightcare.hub.offers.OfferStatus;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.SecurityConfig;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * {@code /fhir/Task/{id}}: an offer as a Task, read by the service that was offered the case (or by the hub's own
 * staff), and updated by that service to answer: received, accepted, rejected with an NHS rejection code,
 * in-progress, completed. An update is a domain operation ({@link OfferAnswers}), not a store write: only the
 * status and statusReason of the body are read.
 */
@Path("/fhir/Task/{id}")
@Authenticated
public class FhirTaskResource {

    private static final Pattern ETAG_VERSION = Pattern.compile("^(W/)?\"(\\d+)\"$");

    private final FhirContext fhir;
    private final Pool pool;
    private final OfferRepository offers;
    private final OfferAnswers answers;
    private final ServiceDirectory directory;
    private final TaskRenderer renderer;
    private final SecurityIdentity identity;
    private final SecurityConfig security;

    public FhirTaskResource(FhirContext fhir, Pool pool, OfferRepository offers, OfferAnswers answers,
            ServiceDirectory directory, TaskRenderer renderer, SecurityIdentity identity, SecurityConfig security) {
        this.fhir = fhir;
        this.pool = pool;
        this.offers = offers;
        this.answers = answers;
        this.directory = directory;
        this.renderer = renderer;
        this.identity = identity;
        this.security = security;
    }

    @GET
    @Operation(hidden = true)
    public Uni<Response> read(@PathParam("id") String id, @QueryParam("_format") String format,
            @QueryParam("_pretty") boolean pretty, @Context HttpHeaders headers) {
        FhirFormat chosen = FhirFormat.negotiate(format, headers);
        if (chosen == null) {
            return Uni.createFrom().item(OperationOutcomes.unsupportedFormat(fhir, format));
        }
        Optional<UUID> offerId = uuid(id);
        if (offerId.isEmpty()) {
            return Uni.createFrom().item(notFound(chosen, id));
        }
        Caller caller = Caller.of(identity, security.organisationClaim());
        return offers.findById(pool, offerId.get()).map(found -> found.filter(offer -> maySee(caller, offer))
                .map(offer -> taskResponse(chosen, pretty, offer, 200))
                .orElseGet(() -> notFound(chosen, id)));
    }

    @PUT
    @Operation(hidden = true)
    public Uni<Response> update(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, @QueryParam("_format") String format,
            @Context HttpHeaders headers, String body) {
        FhirFormat answerFormat = Optional.ofNullable(FhirFormat.negotiate(format, headers)).orElse(FhirFormat.JSON);
        Optional<UUID> offerId = uuid(id);
        if (offerId.isEmpty()) {
            return Uni.createFrom().item(notFound(answerFormat, id));
        }
        Task task;
        try {
            boolean xml = contentType != null && contentType.toLowerCase().contains("xml");
            task = (xml ? fhir.newXmlParser() : fhir.newJsonParser()).parseResource(Task.class, body);
        } catch (DataFormatException | ClassCastException e) {
            return Uni.createFrom().item(error(answerFormat, 400, IssueType.STRUCTURE, "INVALID_RESOURCE",
                    "The body is not a FHIR Task: " + e.getMessage()));
        }
        if (task.hasIdElement() && task.getIdElement().hasIdPart() && !id.equals(task.getIdElement().getIdPart())) {
            return Uni.createFrom().item(error(answerFormat, 400, IssueType.INVALID, "ID_MISMATCH",
                    "The Task's id " + task.getIdElement().getIdPart() + " is not the id in the URL " + id));
        }
        Integer expectedVersion = null;
        if (ifMatch != null && !ifMatch.isBlank()) {
            Matcher matcher = ETAG_VERSION.matcher(ifMatch.trim());
            if (!matcher.matches()) {
                return Uni.createFrom().item(error(answerFormat, 400, IssueType.INVALID, "INVALID_IF_MATCH",
                        "If-Match must be a version ETag such as W/\"3\""));
            }
            expectedVersion = Integer.parseInt(matcher.group(2));
        }
        Optional<OfferAnswers.Answer> answer = task.hasStatus()
                ? OfferStatus.fromCode(task.getStatus().toCode()).flatMap(OfferAnswers.Answer::forTarget)
                : Optional.empty();
        if (answer.isEmpty()) {
            return Uni.createFrom().item(error(answerFormat, 422, IssueType.BUSINESSRULE, "UNSUPPORTED_TASK_STATUS",
                    "A provider may set status received, accepted, rejected, in-progress or completed"));
        }
        Caller caller = Caller.of(identity, security.organisationClaim());
        if (!caller.has(Caller.PROVIDER) || caller.organisationCode().isEmpty()) {
            return Uni.createFrom().item(error(answerFormat, 403, IssueType.FORBIDDEN, "FORBIDDEN",
                    "Only a provider organisation may answer an offer"));
        }
        return answers.answer(offerId.get(), caller.organisation(), answer.get(), reason(task), expectedVersion)
                .map(result -> toResponse(answerFormat, id, result));
    }

    private Response toResponse(FhirFormat format, String id, OfferAnswers.Result result) {
        if (result instanceof OfferAnswers.Answered answered) {
            return taskResponse(format, false, answered.offer(), 200);
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

    /** Providers see the offers made to their organisation; the hub's own staff see all. */
    private static boolean maySee(Caller caller, Offer offer) {
        if (caller.has(Caller.HUB_ADMIN) || caller.has(Caller.HUB_CLINICIAN) || caller.has(Caller.AUDITOR)) {
            return true;
        }
        return caller.has(Caller.PROVIDER) && offer.odsCode().equals(caller.organisation());
    }

    private Response taskResponse(FhirFormat format, boolean pretty, Offer offer, int status) {
        Task task = renderer.render(offer, directory.find(offer.serviceId()).orElse(null));
        return Response.status(status).type(format.mediaType()).entity(format.encode(fhir, task, pretty))
                .tag(new EntityTag(String.valueOf(offer.version()), true))
                .lastModified(java.util.Date.from(offer.updatedAt())).build();
    }

    private Response notFound(FhirFormat format, String id) {
        return OperationOutcomes.notFound(fhir, format, "Task", id);
    }

    private Response error(FhirFormat format, int status, IssueType type, String code, String detail) {
        return OperationOutcomes.response(fhir, format, status, type, code, detail).build();
    }

    private static Optional<UUID> uuid(String id) {
        try {
            UUID parsed = UUID.fromString(id);
            return parsed.toString().equals(id) ? Optional.of(parsed) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

package org.rightcare.hub.bars.inbound;

import java.util.Optional;
import java.util.UUID;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.rightcare.hub.bars.BarsMessaging;
import org.rightcare.hub.fhir.FhirAccessAudit;
import org.rightcare.hub.fhir.FhirFormat;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.Callers;
import org.rightcare.hub.security.Permission;
import org.rightcare.hub.support.CorrelationId;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/**
 * {@code POST /fhir/$process-message}: where providers' systems send their BaRS application 4 responses to the hub's
 * validation requests (the interim response, accepted or rejected, and the final response with the outcome). The
 * caller is a provider organisation, as for the Task API; the message is checked against the BaRS message rules
 * ({@link BarsMessageRules}) and acted on ({@link InboundValidationResponses}). The synchronous acknowledgement is
 * 200 with the message as received; every refusal is a BaRS OperationOutcome with its {@code REC_*} code. Both echo
 * the sender's X-Request-Id and X-Correlation-Id, and every call is audited.
 */
// A literal $ in a path template reads as a regular expression anchor, so the operation's name is a pattern; paths
// are matched as sent, and some clients percent-encode the $.
@Path("/fhir/{operation: \\$process-message|%24process-message}")
@Authenticated
public class ProcessMessageResource {

    /** The name in the CapabilityStatement; FHIR's own operation on MessageHeader. */
    public static final String NAME = "process-message";
    public static final String DEFINITION = "http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message";

    private final FhirContext fhir;
    private final BarsMessageRules rules;
    private final InboundValidationResponses responses;
    private final Callers callers;
    private final FhirAccessAudit audit;

    public ProcessMessageResource(FhirContext fhir, BarsMessageRules rules, InboundValidationResponses responses,
            Callers callers, FhirAccessAudit audit) {
        this.fhir = fhir;
        this.rules = rules;
        this.responses = responses;
        this.callers = callers;
        this.audit = audit;
    }

    @POST
    @Operation(hidden = true)
    public Uni<Response> processMessage(@HeaderParam(BarsMessaging.REQUEST_ID_HEADER) String requestId,
            @HeaderParam(CorrelationId.HEADER) String correlationId,
            @HeaderParam(BarsMessaging.TARGET_IDENTIFIER_HEADER) String targetIdentifier,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, @QueryParam("_format") String format,
            @Context HttpHeaders headers, String body) {
        FhirFormat answerFormat = Optional.ofNullable(FhirFormat.negotiate(format, headers)).orElse(FhirFormat.JSON);
        Caller caller = callers.current();
        Reply reply = new Reply(answerFormat, requestId, correlationId);
        if (!caller.may(Permission.write("MessageHeader")) || !caller.isProvider()) {
            return refuse(caller, null, reply, new BarsError(BarsError.Code.REC_FORBIDDEN, IssueType.FORBIDDEN,
                    "Only a provider organisation whose token grants system/MessageHeader.write may send messages"));
        }
        BarsMessageRules.Checked checked = rules.check(
                new BarsMessageRules.TransportHeaders(requestId, correlationId, targetIdentifier), contentType, body);
        if (checked instanceof BarsMessageRules.Refused refused) {
            return refuse(caller, null, reply, refused.error());
        }
        ValidationResponse message = ((BarsMessageRules.Valid) checked).response();
        CorrelationId.use(correlationId);
        return responses.receive(message, caller.organisation(), requestId.trim(), correlationId.trim())
                .chain(outcome -> {
                    if (outcome instanceof InboundValidationResponses.Refused refused) {
                        return refuse(caller, refused.offerId(), reply, refused.error());
                    }
                    InboundValidationResponses.Acknowledged acknowledged =
                            (InboundValidationResponses.Acknowledged) outcome;
                    JsonObject detail = detail(message, reply, 200).put("repeat", acknowledged.repeat());
                    Optional.ofNullable(message.rejection()).ifPresent(r -> detail.put("reason", r.system() + "|"
                            + r.code()));
                    Optional.ofNullable(message.outcome()).ifPresent(o -> detail.put("outcome", o));
                    Optional.ofNullable(message.carePlan()).ifPresent(c -> detail.put("carePlan", c));
                    Response response = reply.ok(fhir.newJsonParser().parseResource(Bundle.class,
                            acknowledged.acknowledgement()), fhir);
                    return audit.recordRefusal(caller, FhirAccessAudit.OPERATION, "Task",
                            acknowledged.offerId().toString(), FhirAccessAudit.SUCCESS, detail)
                            .map(ignored -> response);
                });
    }

    /** How the answer goes back: the caller's format and its transaction integrity headers. */
    private record Reply(FhirFormat format, String requestId, String correlationId) {

        Response ok(Bundle acknowledgement, FhirContext fhir) {
            return echo(Response.ok(format.encode(fhir, acknowledgement, false), format.mediaType()));
        }

        Response error(BarsError error, FhirContext fhir) {
            return echo(Response.status(error.status()).type(format.mediaType())
                    .entity(format.encode(fhir, error.toOperationOutcome(), false)));
        }

        private Response echo(Response.ResponseBuilder builder) {
            if (requestId != null) {
                builder.header(BarsMessaging.REQUEST_ID_HEADER, requestId);
            }
            if (correlationId != null) {
                builder.header(CorrelationId.HEADER, correlationId);
            }
            return builder.build();
        }
    }

    private Uni<Response> refuse(Caller caller, UUID offerId, Reply reply, BarsError error) {
        Response response = reply.error(error, fhir);
        String outcome = error.code() == BarsError.Code.REC_FORBIDDEN ? FhirAccessAudit.DENIED
                : error.code() == BarsError.Code.REC_NOT_FOUND ? FhirAccessAudit.NOT_FOUND : FhirAccessAudit.REFUSED;
        JsonObject detail = new JsonObject().put("operation", NAME).put("http", response.getStatus())
                .put("code", error.code().name()).put("requestId", reply.requestId());
        return audit.recordRefusal(caller, FhirAccessAudit.OPERATION, offerId == null ? "MessageHeader" : "Task",
                offerId == null ? null : offerId.toString(), outcome, detail).map(ignored -> response);
    }

    private static JsonObject detail(ValidationResponse message, Reply reply, int status) {
        return new JsonObject().put("operation", NAME).put("http", status).put("referral",
                message.referralId().toString()).put("bundle", message.bundleId()).put("definition",
                        message.definition()).put("kind", message.kind().code()).put("respondingTo",
                                message.respondingTo().toString()).put("source", message.sourceDosServiceId())
                .put("requestId", reply.requestId()).put("correlationId", reply.correlationId());
    }
}

package org.rightcare.hub.bars.inbound;

import java.util.Optional;

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
import org.rightcare.hub.fhir.FhirFormat;
import org.rightcare.hub.fhir.FhirInteraction;
import org.rightcare.hub.fhirapi.FhirAccess;
import org.rightcare.hub.fhirapi.FhirHttp;
import org.rightcare.hub.fhirapi.FhirRefusal;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.Callers;
import org.rightcare.hub.security.Permission;
import org.rightcare.hub.support.CorrelationId;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/**
 * {@code POST /fhir/$process-message}: where providers' systems send their BaRS application 4 responses to the hub's
 * validation requests (the interim response, accepted or rejected, and the final response with the outcome). The
 * caller is a provider organisation, as for the Task API; the message is checked against the BaRS message rules
 * ({@link BarsMessageRules}) and acted on ({@link InboundValidationResponses}). The synchronous acknowledgement is
 * 200 with the message as received; every refusal is a BaRS OperationOutcome with its {@code REC_*} code. Both echo
 * the sender's X-Request-Id and X-Correlation-Id, and every call is audited ({@link FhirAccess}).
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
    private final FhirHttp http;
    private final BarsMessageRules rules;
    private final InboundValidationResponses responses;
    private final Callers callers;
    private final FhirAccess access;

    public ProcessMessageResource(FhirContext fhir, FhirHttp http, BarsMessageRules rules,
            InboundValidationResponses responses, Callers callers, FhirAccess access) {
        this.fhir = fhir;
        this.http = http;
        this.rules = rules;
        this.responses = responses;
        this.callers = callers;
        this.access = access;
    }

    @POST
    @Operation(hidden = true)
    public Uni<Response> processMessage(@HeaderParam(BarsMessaging.REQUEST_ID_HEADER) String requestId,
            @HeaderParam(CorrelationId.HEADER) String correlationId,
            @HeaderParam(BarsMessaging.TARGET_IDENTIFIER_HEADER) String targetIdentifier,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, @QueryParam("_format") String format,
            @Context HttpHeaders headers, String body) {
        FhirFormat answerFormat = FhirHttp.answerFormat(format, headers);
        access.audit(FhirInteraction.OPERATION, "MessageHeader", null).detail("operation", NAME)
                .detail("requestId", requestId);
        Caller caller = callers.current();
        if (!caller.may(Permission.write("MessageHeader")) || !caller.isProvider()) {
            throw refusal(new BarsError(BarsError.Code.REC_FORBIDDEN, IssueType.FORBIDDEN,
                    "Only a provider organisation whose token grants system/MessageHeader.write may send messages"),
                    requestId, correlationId);
        }
        BarsMessageRules.Checked checked = rules.check(
                new BarsMessageRules.TransportHeaders(requestId, correlationId, targetIdentifier), contentType, body);
        if (checked instanceof BarsMessageRules.Refused refused) {
            throw refusal(refused.error(), requestId, correlationId);
        }
        ValidationResponse message = ((BarsMessageRules.Valid) checked).response();
        CorrelationId.use(correlationId);
        return responses.receive(message, caller.organisation(), requestId.trim(), correlationId.trim())
                .map(outcome -> {
                    if (outcome instanceof InboundValidationResponses.Refused refused) {
                        if (refused.offerId() != null) {
                            access.entity("Task", refused.offerId().toString());
                        }
                        throw refusal(refused.error(), requestId, correlationId);
                    }
                    InboundValidationResponses.Acknowledged acknowledged = (InboundValidationResponses.Acknowledged) outcome;
                    access.entity("Task", acknowledged.offerId().toString())
                            .detail("referral", message.referralId().toString()).detail("bundle", message.bundleId())
                            .detail("definition", message.definition()).detail("kind", message.kind().code())
                            .detail("respondingTo", message.respondingTo().toString())
                            .detail("source", message.sourceDosServiceId()).detail("correlationId", correlationId)
                            .detail("repeat", acknowledged.repeat());
                    Optional.ofNullable(message.rejection())
                            .ifPresent(r -> access.detail("reason", r.system() + "|" + r.code()));
                    Optional.ofNullable(message.outcome()).ifPresent(o -> access.detail("outcome", o));
                    Optional.ofNullable(message.carePlan()).ifPresent(c -> access.detail("carePlan", c));
                    Bundle acknowledgement = fhir.newJsonParser().parseResource(Bundle.class,
                            acknowledged.acknowledgement());
                    return echo(http.answer(200, answerFormat, acknowledgement, false), requestId, correlationId)
                            .build();
                });
    }

    /** A BaRS refusal: its status and {@code REC_*} OperationOutcome, with the sender's transaction headers. */
    private FhirRefusal refusal(BarsError error, String requestId, String correlationId) {
        access.detail("code", error.code().name());
        return new FhirRefusal(error.status(), error.toOperationOutcome())
                .withHeader(BarsMessaging.REQUEST_ID_HEADER, requestId)
                .withHeader(CorrelationId.HEADER, correlationId);
    }

    /** Every answer echoes the sender's X-Request-Id and X-Correlation-Id, as BaRS asks of a receiver. */
    private static Response.ResponseBuilder echo(Response.ResponseBuilder answer, String requestId,
            String correlationId) {
        if (requestId != null) {
            answer.header(BarsMessaging.REQUEST_ID_HEADER, requestId);
        }
        if (correlationId != null) {
            answer.header(CorrelationId.HEADER, correlationId);
        }
        return answer;
    }
}

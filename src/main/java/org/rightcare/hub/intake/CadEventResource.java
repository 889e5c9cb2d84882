package org.rightcare.hub.intake;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.rightcare.hub.cad.CadSystemRegistry;
import org.rightcare.hub.cad.WebhookSignature;
import org.rightcare.hub.metrics.HubMetrics;
import org.rightcare.hub.support.CorrelationId;
import org.rightcare.hub.support.FieldError;
import org.rightcare.hub.support.Problem;
import org.rightcare.hub.support.PublicUrls;

import io.smallrye.mutiny.Uni;

/**
 * {@code POST /cad/v1/events}: the CAD webhook of contract v1. Checks run cheapest and least trusting first: size,
 * content type, signature on the raw bytes, then parsing and the contract's rules. Nothing is stored unless every
 * check passes, and the 202 is sent only after the commit. Every refusal is counted by status and problem type.
 */
@Path("/cad/v1/events")
public class CadEventResource {

    private final CadSystemRegistry cadSystems;
    private final CadEventParser parser;
    private final IntakeService intake;
    private final IntakeConfig config;
    private final PublicUrls urls;
    private final HubMetrics metrics;
    private final Clock clock;

    public CadEventResource(CadSystemRegistry cadSystems, CadEventParser parser, IntakeService intake,
            IntakeConfig config, PublicUrls urls, HubMetrics metrics, Clock clock) {
        this.cadSystems = cadSystems;
        this.parser = parser;
        this.intake = intake;
        this.config = config;
        this.urls = urls;
        this.metrics = metrics;
        this.clock = clock;
    }

    @POST
    @Operation(summary = "Post a CAD incident event (contract v1)", description = "Signed with X-Hub-Signature. 202 once the event is durably stored; the same eventId and body again returns the original answer.")
    @RequestBody(description = "A CAD event; its JSON Schema is at /cad/v1/schema/cad-event.schema.json")
    @APIResponse(responseCode = "202", description = "Stored: referralId, status and the ServiceRequest URL")
    @APIResponse(responseCode = "400", description = "The body is not JSON in UTF-8")
    @APIResponse(responseCode = "401", description = "Signature missing, malformed, wrong, stale, or unknown CAD system")
    @APIResponse(responseCode = "409", description = "The eventId was already used for a different body")
    @APIResponse(responseCode = "413", description = "Body over 256 KiB")
    @APIResponse(responseCode = "415", description = "Content-Type is not application/json")
    @APIResponse(responseCode = "422", description = "Well-formed JSON that breaks the contract; every field by JSON pointer")
    @APIResponse(responseCode = "503", description = "The event could not be stored; retry")
    public Uni<Response> post(@HeaderParam(WebhookSignature.HEADER) String signatureHeader,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @Parameter(description = "Optional: the CAD's own id for the incident, kept if the incident's first event "
                    + "brings it (1-64 of A-Z a-z 0-9 . _ : -); the hub sends it back on callbacks") @HeaderParam(CorrelationId.HEADER) String correlationHeader,
            @Context UriInfo uriInfo, byte[] body) {
        byte[] bytes = body == null ? new byte[0] : body;
        // The door (WebhookDoor) refused what its headers gave away; a chunked body is judged here.
        if (bytes.length > config.maxBodyBytes()) {
            return answer(WebhookDoor.tooLarge(config.maxBodyBytes(), "this one is " + bytes.length));
        }
        if (!WebhookDoor.isJson(contentType)) {
            return answer(Problem.of(415, "unsupported-media-type", "Unsupported media type",
                    "Send Content-Type: application/json (UTF-8); got " + (contentType == null ? "none" : contentType)));
        }
        Optional<WebhookSignature.Parsed> signature = WebhookSignature.parse(signatureHeader);
        if (signature.isEmpty()) {
            return unauthorised("X-Hub-Signature is missing or not of the form t=<unix seconds>,v1=<hex HMAC-SHA256>");
        }
        if (!WebhookSignature.isFresh(signature.get(), clock.instant())) {
            return unauthorised("The signature timestamp is more than " + WebhookSignature.TOLERANCE.toSeconds()
                    + " s from the hub's clock; sign each delivery when it is sent");
        }
        Optional<String> signer = cadSystems.signerOf(signature.get(), bytes);
        if (signer.isEmpty()) {
            return unauthorised("No configured CAD system's secret produced this signature");
        }
        CadEventParser.Result parsed;
        try {
            parsed = parser.parse(bytes, clock.instant());
        } catch (CadEventParser.MalformedJsonException e) {
            return answer(Problem.of(400, "malformed-json", "Malformed JSON", e.getMessage()));
        }
        if (!parsed.isValid()) {
            return answer(Problem.invalid(parsed.errors()));
        }
        CadEvent event = parsed.event();
        if (!event.cadSystem().equals(signer.get())) {
            // The body claims another CAD system than the one whose secret signed it.
            return unauthorised("cadSystem " + event.cadSystem() + " is unknown or did not sign this event");
        }
        return intake.accept(event, bytes, urls.fhirBase(uriInfo), CorrelationId.acceptOrGenerate(correlationHeader))
                .map(outcome -> toResponse(event, outcome));
    }

    private Response toResponse(CadEvent event, IntakeService.Outcome outcome) {
        if (outcome instanceof IntakeService.Acknowledged acknowledged) {
            return Response.status(acknowledged.status()).type(MediaType.APPLICATION_JSON)
                    .entity(acknowledged.body()).build();
        }
        if (outcome instanceof IntakeService.EventIdConflict) {
            return refused(Problem.of(409, "event-id-conflict", "eventId already used", "eventId " + event.eventId()
                    + " was already received with a different body; a retry must resend the same bytes"));
        }
        return refused(Problem.invalid(List.of(new FieldError("/incident/incidentId",
                "no referral exists for this incident; nothing to cancel or close"))));
    }

    private Uni<Response> unauthorised(String detail) {
        return answer(Problem.of(401, "invalid-signature", "Unauthorised", detail));
    }

    private Uni<Response> answer(Problem problem) {
        return Uni.createFrom().item(refused(problem));
    }

    private Response refused(Problem problem) {
        metrics.webhookRejected(problem);
        return problem.toResponse();
    }
}

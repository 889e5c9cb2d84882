package org.rightcare.hub.fhirapi;

import java.util.LinkedHashMap;
import java.util.Map;

import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.rightcare.hub.fhir.OperationOutcomes;

/**
 * A FHIR endpoint refuses the call: the HTTP status and the OperationOutcome to answer, in the format the caller
 * asked for. Thrown (or failed with) by any FHIR endpoint and answered in one place ({@code web.ErrorMapper} through
 * {@link FhirHttp#answer}); the access audit ({@link FhirAccessAudit}) records it from the status. Nothing is
 * changed by a refused call.
 */
public class FhirRefusal extends RuntimeException {

    private final int status;
    private final transient OperationOutcome outcome;
    private final Map<String, String> headers = new LinkedHashMap<>();

    /** A refusal with one issue coded in the hub's own error codes ({@link OperationOutcomes#CODE_SYSTEM}). */
    public FhirRefusal(int status, IssueType type, String hubCode, String diagnostics) {
        this(status, OperationOutcomes.error(type, hubCode, diagnostics));
    }

    /** A refusal with an OperationOutcome of its own (BaRS answers with its {@code REC_*} codes). */
    public FhirRefusal(int status, OperationOutcome outcome) {
        super(outcome.getIssueFirstRep().getDiagnostics(), null, false, false);
        this.status = status;
        this.outcome = outcome;
    }

    /** 404: nothing the caller may see by that id, whether or not it exists. */
    public static FhirRefusal notFound(String resourceType, String id) {
        return new FhirRefusal(404, IssueType.NOTFOUND, "RESOURCE_NOT_FOUND", resourceType + "/" + id + " is not known");
    }

    /** 403: the caller's roles or scopes do not allow this kind of call at all (so nothing leaks about any one case). */
    public static FhirRefusal forbidden(String diagnostics) {
        return new FhirRefusal(403, IssueType.FORBIDDEN, "FORBIDDEN", diagnostics);
    }

    /** 406 for a {@code _format} the hub does not speak: answered in JSON, as the asked-for format is unknown. */
    public static FhirRefusal unsupportedFormat(String format) {
        return new FhirRefusal(406, IssueType.NOTSUPPORTED, "UNSUPPORTED_FORMAT",
                "_format " + format + " is not supported; use json or xml");
    }

    /** 400: the body is not the resource the endpoint reads. */
    public static FhirRefusal notA(String resourceType, String why) {
        return new FhirRefusal(400, IssueType.STRUCTURE, "INVALID_RESOURCE",
                "The body is not a FHIR " + resourceType + ": " + why);
    }

    /**
     * The hub's answer for a failure the HTTP layer met before or around an endpoint (no token, no route, an
     * unsupported method, the database down, a bug), by status: 401 {@code login}, 403 {@code forbidden}, 404
     * {@code not-found}, 503 {@code transient}, other 5xx {@code exception}, other 4xx {@code invalid}.
     */
    public static FhirRefusal ofHttpStatus(int status, String hubCode, String diagnostics) {
        IssueType type = switch (status) {
            case 401 -> IssueType.LOGIN;
            case 403 -> IssueType.FORBIDDEN;
            case 404 -> IssueType.NOTFOUND;
            case 503 -> IssueType.TRANSIENT;
            default -> status >= 500 ? IssueType.EXCEPTION : IssueType.INVALID;
        };
        return new FhirRefusal(status, type, hubCode, diagnostics);
    }

    /** Adds a header to the answer (BaRS echoes its transaction headers, a 401 challenges for a bearer token). */
    public FhirRefusal withHeader(String name, String value) {
        if (value != null) {
            headers.put(name, value);
        }
        return this;
    }

    public int status() {
        return status;
    }

    public OperationOutcome outcome() {
        return outcome;
    }

    public Map<String, String> headers() {
        return Map.copyOf(headers);
    }
}

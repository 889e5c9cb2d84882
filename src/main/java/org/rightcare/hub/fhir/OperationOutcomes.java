package org.rightcare.hub.fhir;

import jakarta.ws.rs.core.Response;

import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import ca.uhn.fhir.context.FhirContext;

/**
 * OperationOutcomes with stable hub codes ({@code details.coding} in {@link #CODE_SYSTEM}), so a provider system
 * can react to the code rather than parse the text.
 */
public final class OperationOutcomes {

    public static final String CODE_SYSTEM = "https://fhir.rightcare-hub.org/CodeSystem/hub-error-codes";

    private OperationOutcomes() {
    }

    public static OperationOutcome error(IssueType type, String hubCode, String diagnostics) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(IssueSeverity.ERROR)
                .setCode(type)
                .setDiagnostics(diagnostics)
                .getDetails().addCoding().setSystem(CODE_SYSTEM).setCode(hubCode);
        return outcome;
    }

    /** An error answer of the FHIR API: the OperationOutcome in the format the caller asked for. */
    public static Response.ResponseBuilder response(FhirContext fhir, FhirFormat format, int status, IssueType type,
            String hubCode, String diagnostics) {
        return Response.status(status).type(format.mediaType())
                .entity(format.encode(fhir, error(type, hubCode, diagnostics), false));
    }

    public static Response notFound(FhirContext fhir, FhirFormat format, String resourceType, String id) {
        return response(fhir, format, 404, IssueType.NOTFOUND, "RESOURCE_NOT_FOUND",
                resourceType + "/" + id + " is not known").build();
    }

    /** 403: the caller's roles or scopes do not allow this kind of call at all (so nothing leaks about any one case). */
    public static Response forbidden(FhirContext fhir, FhirFormat format, String diagnostics) {
        return response(fhir, format, 403, IssueType.FORBIDDEN, "FORBIDDEN", diagnostics).build();
    }

    /** 406 for a {@code _format} the hub does not speak, answered in JSON since the asked-for format is unknown. */
    public static Response unsupportedFormat(FhirContext fhir, String format) {
        return response(fhir, FhirFormat.JSON, 406, IssueType.NOTSUPPORTED, "UNSUPPORTED_FORMAT",
                "_format " + format + " is not supported; use json or xml").build();
    }
}

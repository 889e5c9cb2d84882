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

    /** What a request did, for a caller that asked to be told rather than sent the resource. */
    public static OperationOutcome information(String hubCode, String diagnostics) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(IssueSeverity.INFORMATION)
                .setCode(IssueType.INFORMATIONAL)
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
}

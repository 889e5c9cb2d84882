package org.rightcare.hub.bars.inbound;

import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.rightcare.hub.bars.BarsMessaging;

/**
 * Why the hub refused a BaRS message, as BaRS error handling says a receiver answers: the HTTP status, a {@code REC_*}
 * code of the BaRS http-error-codes CodeSystem and an OperationOutcome issue code, with diagnostics the sender can act
 * on. Nothing the message said has changed anything when one of these is answered.
 */
public record BarsError(Code code, IssueType issueType, String diagnostics) {

    /** The receiver codes BaRS defines, with the HTTP status each goes with. */
    public enum Code {
        REC_BAD_REQUEST(400),
        REC_UNAUTHORIZED(401),
        REC_FORBIDDEN(403),
        REC_NOT_FOUND(404),
        REC_NOT_ACCEPTABLE(406),
        REC_CONFLICT(409),
        REC_UNPROCESSABLE_ENTITY(422),
        REC_SERVER_ERROR(500);

        private final int status;

        Code(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    public static BarsError badRequest(IssueType issueType, String diagnostics) {
        return new BarsError(Code.REC_BAD_REQUEST, issueType, diagnostics);
    }

    public int status() {
        return code.status();
    }

    public OperationOutcome toOperationOutcome() {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(IssueSeverity.ERROR)
                .setCode(issueType)
                .setDiagnostics(diagnostics)
                .getDetails().addCoding().setSystem(BarsMessaging.ERROR_CODES).setCode(code.name());
        return outcome;
    }
}

package org.rightcare.hub.fhir;

import java.util.Arrays;
import java.util.Optional;

/**
 * The FHIR RESTful interactions the hub's API serves, as AuditEvent.subtype codes them
 * ({@code http://hl7.org/fhir/restful-interaction}); an audit record of a FHIR API call names one as its action,
 * {@code fhir.<code>}.
 */
public enum FhirInteraction {
    READ("read"),
    SEARCH("search-type"),
    UPDATE("update"),
    PATCH("patch"),
    CREATE("create"),
    OPERATION("operation");

    private static final String ACTION_PREFIX = "fhir.";

    private final String code;

    FhirInteraction(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The audit record's action for a call of this interaction. */
    public String auditAction() {
        return ACTION_PREFIX + code;
    }

    /** The FHIR interaction of a stored audit action, or empty when the action is not a FHIR API call. */
    public static Optional<FhirInteraction> ofAuditAction(String action) {
        return Arrays.stream(values()).filter(i -> i.auditAction().equals(action)).findFirst();
    }
}

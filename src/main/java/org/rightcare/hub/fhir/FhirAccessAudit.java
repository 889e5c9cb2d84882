package org.rightcare.hub.fhir;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.rightcare.hub.audit.AuditLog;
import org.rightcare.hub.audit.AuditRecord;
import org.rightcare.hub.security.Caller;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The audit trail of the FHIR API: every read, search and change of patient data, and every refused call, becomes
 * one audit record (and so one AuditEvent for the auditor role). Reads are recorded before the data is answered, and
 * a read whose record cannot be written fails: patient data never leaves unrecorded.
 */
@ApplicationScoped
public class FhirAccessAudit {

    private static final Logger LOG = Logger.getLogger(FhirAccessAudit.class);

    /** The FHIR interactions, as AuditEvent.subtype codes them (http://hl7.org/fhir/restful-interaction). */
    public static final String READ = "read";
    public static final String SEARCH = "search-type";
    public static final String UPDATE = "update";
    public static final String PATCH = "patch";
    public static final String CREATE = "create";
    public static final String OPERATION = "operation";

    /** Outcomes: the call was answered with the data or the change was made ... */
    public static final String SUCCESS = AuditRecord.SUCCESS;
    /** ... the caller lacked the role, scope or organisation ... */
    public static final String DENIED = "denied";
    /** ... no token, or one the hub does not trust ... */
    public static final String UNAUTHENTICATED = "unauthenticated";
    /** ... nothing the caller may see by that id (answered 404 whether or not it exists) ... */
    public static final String NOT_FOUND = "not-found";
    /** ... or the request was refused as invalid (4xx), nothing changed. */
    public static final String REFUSED = "refused";

    private static final String ACTION_PREFIX = "fhir.";

    private final Pool pool;
    private final AuditLog audit;

    public FhirAccessAudit(Pool pool, AuditLog audit) {
        this.pool = pool;
        this.audit = audit;
    }

    /**
     * @param resourceId the resource acted on; null for a search or a create that made nothing
     * @param detail what an auditor needs besides: the query, the referrals shown, the HTTP status
     */
    public Uni<Void> record(Caller caller, String interaction, String resourceType, String resourceId, String outcome,
            JsonObject detail) {
        return pool.withTransaction(tx -> audit.record(tx, new AuditRecord(caller.subject(), caller.organisation(),
                ACTION_PREFIX + interaction, resourceType, resourceId, outcome, detail == null ? new JsonObject()
                        : detail)));
    }

    /** For refusals, where the answer must go out even if the audit write fails; the failure is logged. */
    public Uni<Void> recordRefusal(Caller caller, String interaction, String resourceType, String resourceId,
            String outcome, JsonObject detail) {
        return record(caller, interaction, resourceType, resourceId, outcome, detail).onFailure().recoverWithItem(e -> {
            LOG.warnf("Could not record a refused %s of %s: %s", interaction, resourceType, e.toString());
            return null;
        });
    }

    /** The FHIR interaction of a stored action, or null when the action is not a FHIR API call. */
    public static String interactionOf(String action) {
        return action.startsWith(ACTION_PREFIX) ? action.substring(ACTION_PREFIX.length()) : null;
    }
}

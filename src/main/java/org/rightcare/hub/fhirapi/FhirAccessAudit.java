package org.rightcare.hub.fhirapi;

import java.util.List;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.PathSegment;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.rightcare.hub.audit.AuditLog;
import org.rightcare.hub.audit.AuditRecord;
import org.rightcare.hub.fhir.FhirInteraction;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.Callers;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * The audit trail of the FHIR API, written in one place as each answer leaves: every read, search and change of
 * patient data, and every refused call, becomes one audit record (and so one AuditEvent for the auditor role). The
 * endpoint names the call ({@link FhirAccess}); the answer's status gives the outcome. A call refused before any
 * endpoint ran (no token, a token that may not call it) is recorded from its path.
 *
 * <p>
 * An answer that shows or changes patient data is held until its record is written, and becomes a 500 if the
 * record cannot be: patient data never leaves unrecorded. A refusal goes out even if its record cannot be written
 * (the failure is logged). A failure of the hub itself (5xx) is in the logs, not the trail: it showed and changed
 * nothing.
 */
public class FhirAccessAudit {

    private static final Logger LOG = Logger.getLogger(FhirAccessAudit.class);

    /** Outcomes: the call was answered with the data or the change was made ... */
    public static final String SUCCESS = AuditRecord.SUCCESS;
    /** ... the caller lacked the role, scope or organisation (403) ... */
    public static final String DENIED = "denied";
    /** ... no token, or one the hub does not trust (401) ... */
    public static final String UNAUTHENTICATED = "unauthenticated";
    /** ... nothing the caller may see by that id (answered 404 whether or not it exists) ... */
    public static final String NOT_FOUND = "not-found";
    /** ... or the request was refused as invalid (any other 4xx), nothing changed. */
    public static final String REFUSED = "refused";

    private final Pool pool;
    private final AuditLog audit;
    private final Callers callers;
    private final FhirAccess access;
    private final FhirHttp http;

    public FhirAccessAudit(Pool pool, AuditLog audit, Callers callers, FhirAccess access, FhirHttp http) {
        this.pool = pool;
        this.audit = audit;
        this.callers = callers;
        this.access = access;
        this.http = http;
    }

    @ServerResponseFilter
    public Uni<Void> record(ContainerRequestContext request, ContainerResponseContext response) {
        int status = response.getStatus();
        if (status >= 500) {
            return Uni.createFrom().voidItem();
        }
        if (access.recordedAs(status)) {
            return Uni.createFrom().voidItem();
        }
        FhirAccess.Named named = access.named().orElseGet(() -> refusedBeforeAnyEndpoint(request, status));
        if (named == null) {
            return Uni.createFrom().voidItem();
        }
        Caller caller = status == 401 ? Caller.UNAUTHENTICATED : callers.current();
        AuditRecord record = record(caller, named, status);
        Uni<Void> written = pool.withTransaction(tx -> audit.record(tx, record));
        if (status >= 300) {
            return written.onFailure().recoverWithItem(e -> {
                LOG.warnf("Could not record a refused %s of %s: %s", named.interaction().code(), named.resourceType(),
                        e.toString());
                return null;
            });
        }
        return written.onFailure().recoverWithItem(e -> {
            LOG.errorf(e, "Could not record a %s of %s: the answer is withheld", named.interaction().code(),
                    named.resourceType());
            withhold(request, response);
            return null;
        });
    }

    /**
     * Writes the record of a change that the endpoint answers with {@code status}, in the change's own transaction:
     * the change and its record commit together (a provider's answer is then one commit, not two), and the answer
     * leaves with no second record.
     */
    public Uni<Void> recordWithChange(SqlClient tx, int status) {
        FhirAccess.Named named = access.named().orElseThrow(() -> new IllegalStateException(
                "The endpoint names its call before it records it"));
        return audit.record(tx, record(callers.current(), named, status)).invoke(() -> access.recorded(status));
    }

    private static AuditRecord record(Caller caller, FhirAccess.Named named, int status) {
        return new AuditRecord(caller.subject(), caller.organisation(), named.interaction().auditAction(),
                named.resourceType(), named.resourceId(), outcome(status), named.detail().put("http", status));
    }

    /** The answer's status as an audit outcome. */
    static String outcome(int status) {
        return switch (status) {
            case 401 -> UNAUTHENTICATED;
            case 403 -> DENIED;
            case 404 -> NOT_FOUND;
            default -> status < 300 ? SUCCESS : REFUSED;
        };
    }

    /**
     * A call to {@code /fhir} refused by the security layer before an endpoint could name it: what was asked for, from
     * the path and the method. Null for anything else.
     */
    private static FhirAccess.Named refusedBeforeAnyEndpoint(ContainerRequestContext request, int status) {
        String path = request.getUriInfo().getPath();
        if ((status != 401 && status != 403) || !path.startsWith("/fhir")) {
            return null;
        }
        List<String> segments = request.getUriInfo().getPathSegments().stream().map(PathSegment::getPath).toList();
        String type = segments.size() > 1 ? segments.get(1) : "metadata";
        String id = segments.size() > 2 ? segments.get(2) : null;
        FhirInteraction interaction = switch (request.getMethod()) {
            case "GET" -> id == null ? FhirInteraction.SEARCH : FhirInteraction.READ;
            case "PUT" -> FhirInteraction.UPDATE;
            case "PATCH" -> FhirInteraction.PATCH;
            default -> segments.size() > 3 ? FhirInteraction.OPERATION : FhirInteraction.CREATE;
        };
        return new FhirAccess.Named(interaction, type, id, new JsonObject().put("path", path));
    }

    /** Replaces the answer with a 500: its data must not leave without its audit record. */
    private void withhold(ContainerRequestContext request, ContainerResponseContext response) {
        Response failed = http.answer(FhirRefusal.ofHttpStatus(500, "INTERNAL_ERROR",
                "The hub failed unexpectedly; the failure is logged"), request.getUriInfo(),
                request.getAcceptableMediaTypes());
        response.getHeaders().clear();
        response.setStatus(failed.getStatus());
        response.setEntity(failed.getEntity(), null, failed.getMediaType());
    }
}

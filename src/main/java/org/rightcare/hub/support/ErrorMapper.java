package org.rightcare.hub.support;

import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.List;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.PathSegment;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.rightcare.hub.fhir.FhirAccessAudit;
import org.rightcare.hub.fhir.FhirFormat;
import org.rightcare.hub.fhir.OperationOutcomes;
import org.rightcare.hub.security.Caller;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.smallrye.mutiny.CompositeException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * The one place errors become HTTP answers: OperationOutcome under {@code /fhir}, problem+json everywhere else.
 * Stack traces never leave the hub. A database that cannot be reached is a 503 (the CAD retries), never a 4xx
 * and never a 202.
 */
public class ErrorMapper {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    private final FhirContext fhir;
    private final FhirAccessAudit audit;

    public ErrorMapper(FhirContext fhir, FhirAccessAudit audit) {
        this.fhir = fhir;
        this.audit = audit;
    }

    /** Failed authentication on the FHIR API is audited too: who tried is unknown, what they asked for is not. */
    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class })
    public Uni<Response> unauthorised(RuntimeException e, UriInfo uri, HttpHeaders headers, Request request) {
        Response response = answer(uri, headers, 401, IssueType.LOGIN, "UNAUTHORISED", "unauthorised",
                "Unauthorised", "A valid bearer token is required", true);
        return auditRefusal(uri, request, FhirAccessAudit.UNAUTHENTICATED, response);
    }

    @ServerExceptionMapper
    public Uni<Response> forbidden(ForbiddenException e, UriInfo uri, HttpHeaders headers, Request request) {
        Response response = answer(uri, headers, 403, IssueType.FORBIDDEN, "FORBIDDEN", "forbidden", "Forbidden",
                "The token does not grant this operation", false);
        return auditRefusal(uri, request, FhirAccessAudit.DENIED, response);
    }

    private Uni<Response> auditRefusal(UriInfo uri, Request request, String outcome, Response response) {
        if (!uri.getPath().startsWith("/fhir")) {
            return Uni.createFrom().item(response);
        }
        List<String> segments = uri.getPathSegments().stream().map(PathSegment::getPath).toList();
        String type = segments.size() > 1 ? segments.get(1) : "metadata";
        String id = segments.size() > 2 ? segments.get(2) : null;
        String interaction = switch (request.getMethod()) {
            case "GET" -> id == null ? FhirAccessAudit.SEARCH : FhirAccessAudit.READ;
            case "PUT" -> FhirAccessAudit.UPDATE;
            case "PATCH" -> FhirAccessAudit.PATCH;
            default -> segments.size() > 3 ? FhirAccessAudit.OPERATION : FhirAccessAudit.CREATE;
        };
        return audit.recordRefusal(Caller.UNAUTHENTICATED, interaction, type, id,
                outcome,
                new JsonObject().put("path", uri.getPath()).put("http", response.getStatus()))
                .map(ignored -> response);
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, UriInfo uri, HttpHeaders headers) {
        return answer(uri, headers, 404, IssueType.NOTFOUND, "NOT_FOUND", "not-found", "Not found",
                "No such resource or endpoint: " + uri.getPath(), false);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri, HttpHeaders headers) {
        Response response = e.getResponse();
        if (response.hasEntity()) {
            return response;
        }
        int status = response.getStatus();
        return answer(uri, headers, status, status >= 500 ? IssueType.EXCEPTION : IssueType.INVALID, "HTTP_" + status,
                "http-" + status, response.getStatusInfo().getReasonPhrase(), response.getStatusInfo().getReasonPhrase(),
                false);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri, HttpHeaders headers) {
        Throwable cause = unwrap(e);
        if (isDatabaseUnavailable(cause)) {
            LOG.warnf("Database unavailable on %s: %s", uri.getPath(), cause.toString());
            Response response = answer(uri, headers, 503, IssueType.TRANSIENT, "DATABASE_UNAVAILABLE",
                    "service-unavailable", "Service unavailable",
                    "The hub could not reach its database; nothing was stored. Retry with the same request.", false);
            return Response.fromResponse(response).header("Retry-After", "5").build();
        }
        LOG.errorf(cause, "Unexpected failure on %s", uri.getPath());
        return answer(uri, headers, 500, IssueType.EXCEPTION, "INTERNAL_ERROR", "internal-error", "Internal error",
                "The hub failed unexpectedly; the failure is logged", false);
    }

    private Response answer(UriInfo uri, HttpHeaders headers, int status, IssueType type, String fhirCode, String slug,
            String title, String detail, boolean challenge) {
        Response.ResponseBuilder builder;
        if (uri.getPath().startsWith("/fhir")) {
            FhirFormat format = FhirFormat.negotiate(uri.getQueryParameters().getFirst("_format"), headers);
            FhirFormat chosen = format == null ? FhirFormat.JSON : format;
            builder = OperationOutcomes.response(fhir, chosen, status, type, fhirCode, detail);
        } else {
            builder = Response.fromResponse(Problem.of(status, slug, title, detail).toResponse());
        }
        if (challenge) {
            builder.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return builder.build();
    }

    private static Throwable unwrap(Throwable e) {
        Throwable current = e;
        while (current instanceof CompositeException composite && !composite.getCauses().isEmpty()) {
            current = composite.getCauses().get(0);
        }
        return current;
    }

    /**
     * Connection-level failures, and PostgreSQL's own "cannot serve now" SQLSTATE classes (08, 53, 57P). Socket
     * failures count whatever their kind: a database going down resets the connections in use ("Connection reset"),
     * then refuses new ones (a ConnectException), and the only sockets a request handler uses are the database's.
     */
    static boolean isDatabaseUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketException || t instanceof ClosedChannelException
                    || t instanceof ClosedConnectionException
                    || t instanceof io.vertx.core.VertxException && String.valueOf(t.getMessage()).contains("onnection")) {
                return true;
            }
            // The pool's own failures carry no type of their own: a wait for a connection that ran out of time, or a
            // connection the server closed under a query ("Connection is not active now").
            if (t instanceof io.vertx.core.impl.NoStackTraceThrowable
                    && (String.valueOf(t.getMessage()).contains("onnection") || "Timeout".equals(t.getMessage()))) {
                return true;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("53")
                            || pg.getSqlState().startsWith("57P"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}

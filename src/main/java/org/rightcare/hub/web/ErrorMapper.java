package org.rightcare.hub.web;

import java.time.DateTimeException;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.rightcare.hub.fhirapi.FhirHttp;
import org.rightcare.hub.fhirapi.FhirRefusal;
import org.rightcare.hub.support.CorrelationId;
import org.rightcare.hub.support.DatabaseOutage;
import org.rightcare.hub.support.Problem;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.smallrye.mutiny.CompositeException;
import io.vertx.pgclient.PgException;

/**
 * The one place errors become HTTP answers: OperationOutcome under {@code /fhir} (and for every {@link FhirRefusal}),
 * problem+json everywhere else. Stack traces never leave the hub. A database that cannot be reached is a 503 (the CAD
 * retries), never a 4xx and never a 202; a failure caused by a value the hub should have refused at its door is a 422
 * (and an ERROR in the log: a bug), so nothing a client sends produces a 5xx. Refused FHIR calls are audited as they leave, by
 * the FHIR API's own filter.
 */
public class ErrorMapper {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    private final FhirHttp fhir;

    public ErrorMapper(FhirHttp fhir) {
        this.fhir = fhir;
    }

    /** A FHIR endpoint refused the call: its own status and OperationOutcome. */
    @ServerExceptionMapper
    public Response refused(FhirRefusal refusal, UriInfo uri, HttpHeaders headers) {
        return fhir.answer(refusal, uri, headers);
    }

    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class })
    public Response unauthorised(RuntimeException e, UriInfo uri, HttpHeaders headers) {
        return Response.fromResponse(answer(uri, headers, 401, "UNAUTHORISED", "unauthorised", "Unauthorised",
                "A valid bearer token is required")).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri, HttpHeaders headers) {
        return answer(uri, headers, 403, "FORBIDDEN", "forbidden", "Forbidden",
                "The token does not grant this operation");
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, UriInfo uri, HttpHeaders headers) {
        return answer(uri, headers, 404, "NOT_FOUND", "not-found", "Not found",
                "No such resource or endpoint: " + uri.getPath());
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri, HttpHeaders headers) {
        Response response = e.getResponse();
        if (response.hasEntity()) {
            return response;
        }
        int status = response.getStatus();
        String reason = response.getStatusInfo().getReasonPhrase();
        return answer(uri, headers, status, "HTTP_" + status, "http-" + status, reason, reason);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri, HttpHeaders headers) {
        Throwable cause = unwrap(e);
        if (cause instanceof FhirRefusal refusal) {
            return refused(refusal, uri, headers);
        }
        // Counted and logged once per outage, not once per request.
        if (DatabaseOutage.noteIfOutage(cause, uri.getPath())) {
            Response response = answer(uri, headers, 503, "DATABASE_UNAVAILABLE", "service-unavailable",
                    "Service unavailable",
                    "The hub could not reach its database; nothing was stored. Retry with the same request.");
            return Response.fromResponse(response).header("Retry-After", "5").build();
        }
        if (isDataError(cause)) {
            // The door should have refused what caused this: a bug to fix, not the caller's to retry.
            LOG.errorf("Data the hub accepted could not be handled on %s (correlation id %s), answered 422: %s",
                    uri.getPath(), MDC.get(CorrelationId.MDC_KEY), cause.toString());
            return answer(uri, headers, 422, "UNPROCESSABLE_DATA", "unprocessable-data", "Unprocessable data",
                    "The hub cannot process data of this request; the failure is logged");
        }
        LOG.errorf(cause, "Unexpected failure on %s", uri.getPath());
        return answer(uri, headers, 500, "INTERNAL_ERROR", "internal-error", "Internal error",
                "The hub failed unexpectedly; the failure is logged");
    }

    /** The same error for both kinds of caller: the FHIR API's code, or the problem's slug and title. */
    private Response answer(UriInfo uri, HttpHeaders headers, int status, String fhirCode, String slug, String title,
            String detail) {
        if (uri.getPath().startsWith("/fhir")) {
            return fhir.answer(FhirRefusal.ofHttpStatus(status, fhirCode, detail), uri, headers);
        }
        return Problem.of(status, slug, title, detail).toResponse();
    }

    /**
     * A failure caused by the values of the data rather than by the hub's state: PostgreSQL's data exceptions (SQLSTATE
     * class 22: a value out of range, untranslatable text), and the JDK's refusals of a time or a number.
     */
    static boolean isDataError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22")
                    || t instanceof DateTimeException || t instanceof ArithmeticException) {
                return true;
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable e) {
        Throwable current = e;
        while (current instanceof CompositeException composite && !composite.getCauses().isEmpty()) {
            current = composite.getCauses().get(0);
        }
        return current;
    }
}

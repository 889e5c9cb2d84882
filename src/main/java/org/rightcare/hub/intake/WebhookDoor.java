package org.rightcare.hub.intake;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.MediaType;

import org.rightcare.hub.metrics.HubMetrics;
import org.rightcare.hub.support.Problem;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The CAD webhook's door, in front of the REST layer: a wrong or malformed {@code Content-Type} is a 415, and a body
 * whose {@code Content-Length} is over the contract's limit a 413, both with a problem body and decided from the
 * headers, before any of the body is read. The rest of a refused body is read and dropped (up to a bound), so a CAD
 * that writes its whole request before reading the answer gets the answer instead of a reset connection. A chunked
 * body has no length to judge: the webhook counts it as it arrives ({@link CadEventResource}).
 */
@ApplicationScoped
public class WebhookDoor {

    /** Before Quarkus's own upload limit (-2), which closes the connection on the client. */
    static final int ORDER = -10;
    /** A refused body is drained up to this many bytes; beyond, the connection is closed. */
    static final long DRAIN_LIMIT = 64L * 1024 * 1024;

    private final IntakeConfig config;
    private final HubMetrics metrics;

    public WebhookDoor(IntakeConfig config, HubMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    void install(@Observes Router router) {
        router.route(HttpMethod.POST, "/cad/v1/events").order(ORDER).handler(this::check);
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (!isJson(contentType)) {
            refuse(context, Problem.of(415, "unsupported-media-type", "Unsupported media type",
                    "Send Content-Type: application/json (UTF-8); got "
                            + (contentType == null ? "none" : "another or a malformed type")));
            return;
        }
        long length = contentLength(request.getHeader(HttpHeaders.CONTENT_LENGTH));
        if (length > config.maxBodyBytes()) {
            refuse(context, tooLarge(config.maxBodyBytes(), "this one is " + length));
            return;
        }
        context.next();
    }

    static Problem tooLarge(int limit, String what) {
        return Problem.of(413, "body-too-large", "Body too large", "Events are at most " + limit + " bytes; " + what);
    }

    /** application/json, nothing else, in UTF-8 (the only charset the contract allows; none means UTF-8). */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            MediaType type = MediaType.valueOf(contentType);
            String charset = type.getParameters().get("charset");
            return type.isCompatible(MediaType.APPLICATION_JSON_TYPE) && !type.isWildcardType()
                    && !type.isWildcardSubtype() && (charset == null || charset.equalsIgnoreCase("utf-8"));
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    private static long contentLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            // Vert.x refuses a malformed length itself; nothing to judge here.
            return -1;
        }
    }

    private void refuse(RoutingContext context, Problem problem) {
        metrics.webhookRejected(problem);
        HttpServerRequest request = context.request();
        if (!request.isEnded()) {
            long[] drained = { 0 };
            request.handler(chunk -> {
                drained[0] += chunk.length();
                if (drained[0] > DRAIN_LIMIT) {
                    request.connection().close();
                }
            });
            request.exceptionHandler(e -> {
                // The client went away mid-body: nothing more to say to it.
            });
            request.resume();
        }
        context.response().setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(Json.encode(problem));
    }
}

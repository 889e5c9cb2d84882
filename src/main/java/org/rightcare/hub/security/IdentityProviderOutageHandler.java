package org.rightcare.hub.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;

/**
 * Authentication at the HTTP layer (the board's sign-in) that fails because the identity provider cannot be reached:
 * a 503 with Retry-After instead of Vert.x's 500. JAX-RS endpoints get the same answer from the error mapper.
 */
@ApplicationScoped
public class IdentityProviderOutageHandler {

    void install(@Observes Router router) {
        router.route().order(-1000).failureHandler(context -> {
            if (!context.response().headWritten() && IdentityProviderOutage.isUnavailability(context.failure())) {
                context.response().setStatusCode(503)
                        .putHeader("Retry-After", IdentityProviderOutage.RETRY_AFTER_SECONDS)
                        .putHeader("Content-Type", "text/plain; charset=utf-8")
                        .end("The identity provider cannot be reached; try again shortly.");
            } else {
                context.next();
            }
        });
    }
}

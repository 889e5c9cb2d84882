package org.rightcare.hub.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;

/**
 * The headers every response under {@code /board} carries, pages, assets, redirects and refusals alike: a strict
 * Content-Security-Policy (no inline script or style, nothing from elsewhere, no framing; the board's scripts and
 * styles are files under {@code /board/assets/}), no caching of pages that show patients' cases, no MIME sniffing and
 * no referrer leaving the hub.
 */
@ApplicationScoped
public class BoardResponseHeaders {

    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    /** Ahead of the security handlers, so a redirect to sign in or a refusal carries the headers too. */
    private static final int BEFORE_SECURITY = -1000;

    void install(@Observes Router router) {
        router.route().order(BEFORE_SECURITY).handler(context -> {
            if (isBoardPath(context.normalizedPath())) {
                context.addHeadersEndHandler(ignored -> addTo(context.response().headers()));
            }
            context.next();
        });
    }

    static void addTo(MultiMap headers) {
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
    }

    static boolean isBoardPath(String path) {
        return path != null && (path.equals("/board") || path.startsWith("/board/"));
    }
}

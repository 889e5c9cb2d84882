package org.rightcare.hub.security;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Who may open {@code /board}: only a person signed in through the board's own OIDC tenant (the authorisation code
 * flow, with its session cookie), never a caller with an API bearer token, whatever its roles. Without this, a
 * deployment with a real identity provider but no board tenant would let the default (bearer) tenant authenticate
 * board requests: any provider, auditor or CAD token would read the board. With the board switched off
 * ({@code hub.board.enabled=false}) nobody may open it.
 * <p>
 * Applied by {@code quarkus.http.auth.permission.board.policy=board-session}.
 */
@ApplicationScoped
public class BoardSessionPolicy implements HttpSecurityPolicy {

    /** The board's OIDC tenant id (BoardSignIn's dynamic tenant, or the static {@code quarkus.oidc.board.*} one). */
    public static final String BOARD_TENANT = "board";

    /** quarkus-oidc names the tenant that authenticated a caller in this identity attribute. */
    static final String TENANT_ATTRIBUTE = "tenant-id";

    private final boolean boardEnabled;

    public BoardSessionPolicy(@ConfigProperty(name = "hub.board.enabled", defaultValue = "true") boolean boardEnabled) {
        this.boardEnabled = boardEnabled;
    }

    @Override
    public String name() {
        return "board-session";
    }

    @Override
    public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity,
            AuthorizationRequestContext context) {
        return identity.map(caller -> boardEnabled && signedInToTheBoard(caller) ? CheckResult.PERMIT
                : CheckResult.DENY);
    }

    /** True for a person signed in through the board tenant; false for anonymous and bearer-token callers. */
    static boolean signedInToTheBoard(SecurityIdentity caller) {
        return caller != null && !caller.isAnonymous()
                && BOARD_TENANT.equals(caller.getAttribute(TENANT_ATTRIBUTE));
    }
}

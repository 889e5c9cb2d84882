package org.rightcare.hub.security;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

import io.quarkus.oidc.OIDCException;
import io.quarkus.security.AuthenticationFailedException;

/**
 * The one check for "the identity provider cannot be reached now": a call that needed it (to verify a token whose keys
 * the hub does not hold yet, or to sign a person in to the board) answers 503 with Retry-After, never 500, and never
 * blames the caller. A token the hub reached the provider for and could not verify stays a 401.
 */
public final class IdentityProviderOutage {

    /** How long a caller should wait before retrying: the provider health check's period. */
    public static final String RETRY_AFTER_SECONDS = "15";

    private IdentityProviderOutage() {
    }

    /**
     * True for a failure of quarkus-oidc to reach the provider (an {@link OIDCException}), or an authentication that
     * failed on a connection error; other connection errors (the database's, a receiver's) are not the provider's.
     */
    public static boolean isUnavailability(Throwable failure) {
        boolean authentication = false;
        boolean connection = false;
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof OIDCException) {
                return true;
            }
            authentication |= cause instanceof AuthenticationFailedException;
            connection |= cause instanceof ConnectException || cause instanceof UnknownHostException
                    || cause instanceof NoRouteToHostException || cause instanceof TimeoutException
                    || cause.getClass().getName().equals("io.netty.channel.ConnectTimeoutException");
        }
        return authentication && connection;
    }
}

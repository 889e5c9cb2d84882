package org.rightcare.hub.support;

import java.net.SocketException;
import java.nio.channels.ClosedChannelException;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Tells a database that cannot serve now from every other failure. The error mapper answers the first with 503 and
 * Retry-After (the caller's data was fine), and the background loops treat it as an outage to wait out, not as a
 * fault of the case they were working on.
 */
public final class DatabaseOutage {

    private DatabaseOutage() {
    }

    /**
     * Connection-level failures, and PostgreSQL's own "cannot serve now" SQLSTATE classes (08, 53, 57P). Socket
     * failures count whatever their kind: a database going down resets the connections in use ("Connection reset"),
     * then refuses new ones (a ConnectException), and the only sockets a request handler uses are the database's.
     */
    public static boolean isUnavailability(Throwable e) {
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

package org.rightcare.hub.support;

import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import org.jboss.logging.Logger;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Tells a database that cannot serve now from every other failure. The error mapper answers the first with 503 and
 * Retry-After (the caller's data was fine), and the background loops treat it as an outage to wait out, not as a
 * fault of the case they were working on.
 *
 * <p>
 * It also keeps the log truthful and quiet through an outage: every place that meets one reports it here
 * ({@link #noteIfOutage}) instead of logging it, which writes one WARN when the database goes away and one INFO when
 * any database work succeeds again ({@link #noteAvailable}), with how long it lasted and how many operations it failed,
 * by place. No stack trace: an outage is an event of the environment, not a fault of the hub.
 */
public final class DatabaseOutage {

    private static final Logger LOG = Logger.getLogger(DatabaseOutage.class);

    /** How long an outage lasts at least, so that the successes of work already under way do not end it at once. */
    private static final Duration SETTLE = Duration.ofSeconds(1);

    /** The outage in progress on this replica, or null. Guarded by the class. */
    private static Outage current;

    private record Outage(long startedNanos, Map<String, Integer> failuresByPlace) {
    }

    private DatabaseOutage() {
    }

    /**
     * Counts {@code failure} against the outage in progress (starting one, with its single WARN, if none is) when it
     * is an {@linkplain #isUnavailability unavailability}, and says whether it was; the caller logs nothing more then.
     *
     * @param place what was being done, for the counts (e.g. "routing sweep", "POST /cad/v1/events")
     */
    public static boolean noteIfOutage(Throwable failure, String place) {
        if (!isUnavailability(failure)) {
            return false;
        }
        boolean started = false;
        synchronized (DatabaseOutage.class) {
            if (current == null) {
                current = new Outage(System.nanoTime(), new TreeMap<>());
                started = true;
            }
            current.failuresByPlace().merge(place, 1, Integer::sum);
        }
        if (started) {
            LOG.warnf("The database is unavailable (first seen by %s: %s). Requests that need it are answered 503 with "
                    + "Retry-After and background work waits; one line follows when it is back.", place, rootCause(failure));
        }
        return true;
    }

    /** Database work succeeded: ends the outage in progress, if any, with its one INFO line. Cheap when there is none. */
    public static void noteAvailable() {
        noteAvailable(System.nanoTime());
    }

    static void noteAvailable(long nowNanos) {
        Outage ended;
        synchronized (DatabaseOutage.class) {
            // Work that started before the outage may still succeed just after its first failure: not a recovery.
            if (current == null || nowNanos - current.startedNanos() < SETTLE.toNanos()) {
                return;
            }
            ended = current;
            current = null;
        }
        int total = ended.failuresByPlace().values().stream().mapToInt(Integer::intValue).sum();
        LOG.infof("The database is available again after %ds; %d operation(s) failed meanwhile and are retried: %s",
                Duration.ofNanos(nowNanos - ended.startedNanos()).toSeconds(), total, ended.failuresByPlace());
    }

    /** Whether this replica has seen an outage that no success has ended yet. */
    public static synchronized boolean inProgress() {
        return current != null;
    }

    private static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
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

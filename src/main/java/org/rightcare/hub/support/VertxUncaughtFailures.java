package org.rightcare.hub.support;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * What Vert.x could not hand to anyone, logged as Quarkus does (one ERROR with the stack trace), except one known race
 * of the reactive SQL client's pool during a database outage: the timer of a wait for a connection fires after the
 * wait already ended ({@code SqlConnectionPool} failing an already completed promise: "Result is already complete").
 * Nothing is lost by it (the waiter already had its answer), and during a 30 s outage it wrote dozens of ERRORs with
 * stack traces; it is counted with the outage instead ({@link DatabaseOutage}) and logged at DEBUG.
 */
@ApplicationScoped
public class VertxUncaughtFailures {

    private static final Logger LOG = Logger.getLogger(VertxUncaughtFailures.class);

    void install(@Observes StartupEvent start, Vertx vertx) {
        vertx.exceptionHandler(VertxUncaughtFailures::uncaught);
    }

    static void uncaught(Throwable failure) {
        if (isPoolTimerRace(failure)) {
            LOG.debugf("The database pool's connection-wait timer fired after the wait ended (harmless): %s", failure);
            return;
        }
        LOG.error("Uncaught exception received by Vert.x", failure);
    }

    static boolean isPoolTimerRace(Throwable failure) {
        if (!(failure instanceof IllegalStateException) || !"Result is already complete".equals(failure.getMessage())) {
            return false;
        }
        for (StackTraceElement frame : failure.getStackTrace()) {
            if (frame.getClassName().startsWith("io.vertx.sqlclient.impl.pool.")) {
                return true;
            }
        }
        return false;
    }
}

package org.rightcare.hub.support;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Which failures mean "the database cannot be reached" (503, the CAD retries) rather than a hub fault (500). The
 * failures below are the ones a PostgreSQL shutdown produced in DatabaseDownTest.
 */
class DatabaseOutageTest {

    @Test
    void aConnectionResetByTheStoppingDatabaseIsUnavailability() {
        assertTrue(DatabaseOutage.isUnavailability(new SocketException("Connection reset")));
        assertTrue(DatabaseOutage.isUnavailability(new IllegalStateException(new ClosedChannelException())));
    }

    @Test
    void aRefusedOrLostConnectionIsUnavailability() {
        assertTrue(DatabaseOutage.isUnavailability(new ConnectException("Connection refused")));
        assertTrue(DatabaseOutage.isUnavailability(ClosedConnectionException.INSTANCE));
    }

    @Test
    void postgresRefusingWorkWhileShuttingDownIsUnavailability() {
        assertTrue(DatabaseOutage.isUnavailability(
                new PgException("terminating connection due to administrator command", "FATAL", "57P01", null)));
        assertTrue(DatabaseOutage.isUnavailability(
                new PgException("the database system is shutting down", "FATAL", "57P03", null)));
    }

    @Test
    void aPoolThatCannotHandOutAConnectionIsUnavailability() {
        assertTrue(DatabaseOutage.isUnavailability(new io.vertx.core.impl.NoStackTraceThrowable("Timeout")));
        assertTrue(DatabaseOutage.isUnavailability(
                new io.vertx.core.impl.NoStackTraceThrowable("Connection is not active now, current status: CLOSED")));
        assertFalse(DatabaseOutage.isUnavailability(new io.vertx.core.impl.NoStackTraceThrowable("something else")));
    }

    @Test
    void aFailedStatementIsNotUnavailability() {
        assertFalse(DatabaseOutage.isUnavailability(
                new PgException("duplicate key value violates unique constraint", "ERROR", "23505", null)));
        assertFalse(DatabaseOutage.isUnavailability(new IllegalStateException("a bug")));
    }

    @Test
    void anOutageLastsFromItsFirstFailureToTheNextSuccessAndCountsOnlyUnavailability() {
        long later = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        DatabaseOutage.noteAvailable(later);
        assertFalse(DatabaseOutage.noteIfOutage(new IllegalStateException("a bug"), "test"));
        assertFalse(DatabaseOutage.inProgress());

        assertTrue(DatabaseOutage.noteIfOutage(new ConnectException("Connection refused"), "test"));
        assertTrue(DatabaseOutage.noteIfOutage(ClosedConnectionException.INSTANCE, "test"));
        assertTrue(DatabaseOutage.inProgress());
        DatabaseOutage.noteAvailable();
        assertTrue(DatabaseOutage.inProgress(), "work already under way that succeeds at once is no recovery");

        DatabaseOutage.noteAvailable(later);
        assertFalse(DatabaseOutage.inProgress());
    }

    @Test
    void thePoolsTimerRaceIsKnownButNoOtherUncaughtFailureIs() {
        IllegalStateException race = new IllegalStateException("Result is already complete");
        race.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("io.vertx.core.Promise", "fail", "Promise.java", 90),
                new StackTraceElement("io.vertx.sqlclient.impl.pool.SqlConnectionPool", "lambda$execute$3",
                        "SqlConnectionPool.java", 216) });
        assertTrue(VertxUncaughtFailures.isPoolTimerRace(race));
        assertFalse(VertxUncaughtFailures.isPoolTimerRace(new IllegalStateException("Result is already complete")));
        assertFalse(VertxUncaughtFailures.isPoolTimerRace(new IllegalStateException("a bug")));
    }
}

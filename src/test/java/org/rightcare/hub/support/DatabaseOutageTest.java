package org.rightcare.hub.support;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;

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
}

package org.rightcare.hub.web;

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
class ErrorMapperTest {

    @Test
    void aConnectionResetByTheStoppingDatabaseIsUnavailability() {
        assertTrue(ErrorMapper.isDatabaseUnavailable(new SocketException("Connection reset")));
        assertTrue(ErrorMapper.isDatabaseUnavailable(new IllegalStateException(new ClosedChannelException())));
    }

    @Test
    void aRefusedOrLostConnectionIsUnavailability() {
        assertTrue(ErrorMapper.isDatabaseUnavailable(new ConnectException("Connection refused")));
        assertTrue(ErrorMapper.isDatabaseUnavailable(ClosedConnectionException.INSTANCE));
    }

    @Test
    void postgresRefusingWorkWhileShuttingDownIsUnavailability() {
        assertTrue(ErrorMapper.isDatabaseUnavailable(
                new PgException("terminating connection due to administrator command", "FATAL", "57P01", null)));
        assertTrue(ErrorMapper.isDatabaseUnavailable(
                new PgException("the database system is shutting down", "FATAL", "57P03", null)));
    }

    @Test
    void aPoolThatCannotHandOutAConnectionIsUnavailability() {
        assertTrue(ErrorMapper.isDatabaseUnavailable(new io.vertx.core.impl.NoStackTraceThrowable("Timeout")));
        assertTrue(ErrorMapper.isDatabaseUnavailable(
                new io.vertx.core.impl.NoStackTraceThrowable("Connection is not active now, current status: CLOSED")));
        assertFalse(ErrorMapper.isDatabaseUnavailable(new io.vertx.core.impl.NoStackTraceThrowable("something else")));
    }

    @Test
    void aFailedStatementIsNotUnavailability() {
        assertFalse(ErrorMapper.isDatabaseUnavailable(
                new PgException("duplicate key value violates unique constraint", "ERROR", "23505", null)));
        assertFalse(ErrorMapper.isDatabaseUnavailable(new IllegalStateException("a bug")));
    }
}

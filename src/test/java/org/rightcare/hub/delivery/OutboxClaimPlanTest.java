package org.rightcare.hub.delivery;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.vertx.sqlclient.SqlConnectOptions;

/**
 * The claim is planned for its parameters on every call, because it is too long for the reactive client's cache of
 * prepared statements (Quarkus caches PostgreSQL's, up to the client's default length). A cached claim would run, after
 * five calls, the generic plan PostgreSQL chose while the outbox was nearly empty: issue 21's second round measured
 * that plan scanning the whole table, 25 ms for a mark of 12 rows. A shorter claim, or a longer cache limit, needs
 * that plan looked at again.
 */
class OutboxClaimPlanTest {

    @Test
    void theClaimIsTooLongForTheClientsStatementCache() {
        assertTrue(OutboxRepository.CLAIM.length() > SqlConnectOptions.DEFAULT_PREPARED_STATEMENT_CACHE_SQL_LIMIT,
                "the claim is " + OutboxRepository.CLAIM.length() + " characters, and the cache takes statements up to "
                        + SqlConnectOptions.DEFAULT_PREPARED_STATEMENT_CACHE_SQL_LIMIT);
    }
}

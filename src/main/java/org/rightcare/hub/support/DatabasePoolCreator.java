package org.rightcare.hub.support;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Singleton;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnectOptions;

/**
 * The reactive client's pool as Quarkus configures it (Quarkus's own extension point for that), with one change: its
 * per-connection cache of prepared statements takes statements up to {@link #STATEMENT_CACHE_SQL_LIMIT} characters
 * instead of the client's 2,048, so that the outbox claim is cached too.
 *
 * <p>
 * A statement the cache does not take is parsed and planned by PostgreSQL on every call. The claim runs a few times per
 * incident, and planning it took about 1 ms each time: in issue 21's tenth round, half a minute at 150 incidents a
 * second spent 12.0 s of PostgreSQL's time planning it, against 8.6 s executing every statement the hub ran. Cached,
 * it is planned for its parameters on its first calls on a connection, then PostgreSQL keeps a generic plan
 * ({@code OutboxClaimPlanTest} holds that plan to the outbox's indexes).
 */
@Singleton
public class DatabasePoolCreator implements PgPoolCreator {

    /** Long enough for the outbox claim, the hub's longest statement, with room to grow. */
    public static final int STATEMENT_CACHE_SQL_LIMIT = 8192;

    @Override
    public Pool create(Input input) {
        List<SqlConnectOptions> databases = new ArrayList<>();
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            databases.add(options.setPreparedStatementCacheSqlLimit(STATEMENT_CACHE_SQL_LIMIT));
        }
        return PgBuilder.pool().with(input.poolOptions()).connectingTo(databases).using(input.vertx()).build();
    }
}

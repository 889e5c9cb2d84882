package org.rightcare.hub.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.support.DatabasePoolCreator;
import org.rightcare.hub.testing.TestDatabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The claim runs a few times per incident. Issue 21's tenth round found PostgreSQL planning it afresh on every call,
 * about 1 ms each, because it was longer than the reactive client's cache of prepared statements took: half a minute
 * at 150 incidents a second spent 12.0 s planning it, against 8.6 s executing every statement the hub ran. The pool
 * now caches it ({@link DatabasePoolCreator}), so after its first calls on a connection PostgreSQL runs one generic
 * plan, chosen without the parameters' values; that plan must find what it touches through the outbox's indexes.
 */
@QuarkusTest
class OutboxClaimPlanTest {

    @Inject
    Pool pool;

    @Test
    void theClaimFitsThePoolsStatementCache() {
        assertTrue(OutboxRepository.CLAIM.length() <= DatabasePoolCreator.STATEMENT_CACHE_SQL_LIMIT,
                "the claim is " + OutboxRepository.CLAIM.length() + " characters, and the cache takes statements up to "
                        + DatabasePoolCreator.STATEMENT_CACHE_SQL_LIMIT);
    }

    /** The client prepares the claim as a named statement of its connection, which PostgreSQL lists, and reuses it. */
    @Test
    void theHubsConnectionsKeepTheClaimPrepared() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        // No channel: the claim records nothing and claims nothing, whatever other tests left in the outbox.
        Tuple nothing = Tuple.tuple().addOffsetDateTime(now).addInteger(0).addInteger(0)
                .addArrayOfString(new String[0]).addArrayOfString(new String[0]).addArrayOfInteger(new Integer[0])
                .addOffsetDateTime(now.plus(Duration.ofMinutes(1))).addUUID(UUID.randomUUID())
                .addArrayOfUUID(new UUID[0]).addArrayOfUUID(new UUID[0]).addArrayOfOffsetDateTime(new OffsetDateTime[0]);
        long prepared = pool.withConnection(connection -> connection.preparedQuery(OutboxRepository.CLAIM).execute(nothing)
                .chain(() -> connection.preparedQuery(OutboxRepository.CLAIM).execute(nothing))
                .chain(() -> connection.preparedQuery("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1")
                        .execute(Tuple.of(OutboxRepository.CLAIM)))
                .map(rows -> rows.iterator().next().getLong(0)))
                .await().atMost(Duration.ofSeconds(10));
        assertEquals(1, prepared, "the connection holds the claim as one prepared statement");
    }

    /**
     * The generic plan against a busy outbox: 20,000 rows, all but 50 delivered, inserted and analysed in a transaction
     * that is rolled back, so no other test sees them.
     */
    @Test
    void theClaimsGenericPlanReadsTheOutboxThroughItsIndexes() {
        String plan = TestDatabase.planInRolledBackTransaction(List.of("""
                INSERT INTO delivery_outbox (id, channel, destination, ordering_key, content_type, payload, state,
                                             next_attempt_at, created_at, pending_since, delivered_at)
                SELECT gen_random_uuid(), 'cad-callback', 'PLAN-CAD-' || (n % 5), 'PLAN-CAD/' || n,
                       'application/json', '{}', CASE WHEN n <= 19950 THEN 'delivered' ELSE 'pending' END,
                       now() - interval '1 second', now(), now(), CASE WHEN n <= 19950 THEN now() END
                FROM generate_series(1, 20000) AS n""",
                "ANALYZE delivery_outbox",
                "SET LOCAL plan_cache_mode = force_generic_plan",
                "PREPARE claim_check (timestamptz, int, int, text[], text[], int[], timestamptz, uuid, uuid[], uuid[], "
                        + "timestamptz[]) AS " + OutboxRepository.CLAIM),
                "EXPLAIN EXECUTE claim_check (now(), 64, 32, '{cad-callback,fhir-rest,bars}', '{}', '{}', "
                        + "now() + interval '1 minute', gen_random_uuid(), ARRAY[gen_random_uuid()], "
                        + "ARRAY[gen_random_uuid()], ARRAY[now()])");
        assertTrue(plan.contains("on delivery_outbox"), plan);
        assertFalse(plan.contains("Seq Scan on delivery_outbox"), "the claim's generic plan reads the whole outbox:\n" + plan);
    }

    /**
     * A generic plan is made from the statistics of the outbox's last {@code ANALYZE}, and a busy hub's outbox can be
     * analysed at a moment when hardly any row is pending. A plan made then expects one pending row wherever it
     * looks, and issue 21's eleventh round found claims taking four times as long for whole minutes of a run: each
     * read every pending row to find the few it recorded as delivered, and compared every due row with every row it
     * chose. The claim finds the deliveries it records by their ids alone, and chooses the rows it claims once, as an
     * array of ids, so that even that plan reads neither every pending row nor the chosen rows again for each due row.
     * Here the outbox is analysed with no row pending, then 1,000 arrive; the claim records ten deliveries and claims
     * 64 rows (executed, on its generic plan, and rolled back).
     */
    @Test
    void aPlanMadeWhenNoRowWasPendingStillFindsWhatItRecordsAndClaimsByTheirIds() throws Exception {
        String plan = TestDatabase.planInRolledBackTransaction(List.of("""
                INSERT INTO delivery_outbox (id, channel, destination, ordering_key, content_type, payload, state,
                                             next_attempt_at, created_at, pending_since, delivered_at)
                SELECT gen_random_uuid(), 'cad-callback', 'PLAN-CAD-' || (n % 5), 'PLAN-DONE/' || n, 'application/json',
                       repeat('x', 300), 'delivered', now(), now(), now(), now()
                FROM generate_series(1, 20000) AS n""",
                "ANALYZE delivery_outbox",
                // 1,000 pending: the first ten on the wire (their attempts are the completions), the rest due.
                """
                        INSERT INTO delivery_outbox (id, channel, destination, ordering_key, content_type, payload, state,
                                                     next_attempt_at, created_at, pending_since, lease_token)
                        SELECT gen_random_uuid(), 'cad-callback', 'PLAN-CAD-' || (n % 5), 'PLAN-WAITING/' || n,
                               'application/json', repeat('x', 300), 'pending',
                               CASE WHEN n <= 10 THEN now() + interval '1 minute' ELSE now() - interval '1 second' END,
                               now(), now(), CASE WHEN n <= 10 THEN gen_random_uuid() END
                        FROM generate_series(1, 1000) AS n""",
                """
                        SELECT set_config('claim_check.completing', array_agg(id)::text, true),
                               set_config('claim_check.leases', array_agg(lease_token)::text, true)
                        FROM delivery_outbox WHERE ordering_key LIKE 'PLAN-WAITING/%' AND lease_token IS NOT NULL""",
                "SET LOCAL plan_cache_mode = force_generic_plan",
                "PREPARE claim_check (timestamptz, int, int, text[], text[], int[], timestamptz, uuid, uuid[], uuid[], "
                        + "timestamptz[]) AS " + OutboxRepository.CLAIM),
                """
                        EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE claim_check (now(), 64, 32, '{cad-callback,fhir-rest,bars}',
                            '{}', '{}', now() + interval '1 minute', gen_random_uuid(),
                            current_setting('claim_check.completing')::uuid[], current_setting('claim_check.leases')::uuid[],
                            array_fill(now(), ARRAY[10]))""");
        JsonNode root = new ObjectMapper().readTree(plan).get(0).get("Plan");
        assertEquals(64, root.get("Actual Rows").asLong(), "the claim hands out its 64 rows:\n" + plan);
        JsonNode completed = subplan(root, "CTE completed");
        assertEquals(10, completed.get("Actual Rows").asLong(), "the ten deliveries are recorded:\n" + plan);
        long read = outboxRowsRead(completed);
        assertTrue(read <= 20, "recording ten deliveries read " + read + " of the outbox's rows:\n" + plan);
        List<JsonNode> chosen = nodes(subplan(root, "CTE claimable"), "chosen");
        assertFalse(chosen.isEmpty(), "the plan shows where the rows to claim are chosen:\n" + plan);
        for (JsonNode choice : chosen) {
            assertEquals(1, choice.get("Actual Loops").asLong(), "the rows to claim are chosen once:\n" + plan);
        }
    }

    /** The rows each scan of the outbox under {@code node} returned or filtered out, over all its loops. */
    private static long outboxRowsRead(JsonNode node) {
        long read = 0;
        if ("delivery_outbox".equals(node.path("Relation Name").asText())) {
            read += (node.path("Actual Rows").asLong() + node.path("Rows Removed by Filter").asLong()
                    + node.path("Rows Removed by Index Recheck").asLong()) * node.path("Actual Loops").asLong();
        }
        for (JsonNode child : node.path("Plans")) {
            read += outboxRowsRead(child);
        }
        return read;
    }

    private static JsonNode subplan(JsonNode node, String name) {
        if (name.equals(node.path("Subplan Name").asText())) {
            return node;
        }
        for (JsonNode child : node.path("Plans")) {
            JsonNode found = subplan(child, name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** The nodes under {@code node} that read the query's relation or subquery named {@code alias}. */
    private static List<JsonNode> nodes(JsonNode node, String alias) {
        List<JsonNode> found = new ArrayList<>();
        if (alias.equals(node.path("Alias").asText())) {
            found.add(node);
        }
        for (JsonNode child : node.path("Plans")) {
            found.addAll(nodes(child, alias));
        }
        return found;
    }
}

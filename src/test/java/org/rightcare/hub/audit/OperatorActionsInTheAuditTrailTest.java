package org.rightcare.hub.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.testing.TestDatabase;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Operator actions belong to the one audit trail (migration V10): those recorded before it move there as they were,
 * and those a replica of the previous version records during a rolling update (into the old {@code operator_action}
 * table, now a view) land there too.
 */
@QuarkusTest
class OperatorActionsInTheAuditTrailTest {

    private static final String REPLAY = """
            INSERT INTO operator_action (id, actor, action, target_type, target_id, details, at)
            VALUES (?::uuid, 'ops-alice', 'dead-letter.replay', 'delivery', ?, '{"destination": "TEST-CAD"}'::jsonb,
                    '2026-12-01T03:00:00Z')""";

    @Test
    void theMigrationMovesTheActionsRecordedBeforeItIntoTheTrail() {
        String schema = "before_v10_" + UUID.randomUUID().toString().substring(0, 8);
        String delivery = UUID.randomUUID().toString();
        try {
            flyway(schema).target("9").load().migrate();
            TestDatabase.execute(REPLAY.replace("operator_action", schema + ".operator_action"),
                    UUID.randomUUID().toString(), delivery);

            flyway(schema).load().migrate();

            assertEquals(List.of(Map.of("actor", "ops-alice", "action", "dead-letter.replay", "entity_type", "delivery",
                    "outcome", "success", "destination", "TEST-CAD")), TestDatabase.query("""
                            SELECT actor, action, entity_type, outcome, detail ->> 'destination' AS destination
                            FROM %s.audit_event WHERE entity_id = ?""".formatted(schema), delivery));
        } finally {
            TestDatabase.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @Test
    void anActionRecordedTheOldWayDuringARollingUpdateLandsInTheTrail() {
        String delivery = UUID.randomUUID().toString();

        TestDatabase.execute(REPLAY, UUID.randomUUID().toString(), delivery);

        assertEquals(1, TestDatabase.count("""
                SELECT count(*) FROM audit_event WHERE entity_type = 'delivery' AND entity_id = ?
                AND actor = 'ops-alice' AND action = 'dead-letter.replay' AND outcome = 'success'""", delivery));
    }

    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(String schema) {
        return Flyway.configure().dataSource(TestDatabase.jdbcUrl(), TestDatabase.USER, TestDatabase.PASSWORD)
                .schemas(schema).createSchemas(true).locations("classpath:db/migration");
    }
}

package org.rightcare.hub.referral;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rightcare.hub.testing.TestDatabase;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The statements that take a referral for its next step run for every new incident and every answer, as prepared
 * statements that Quarkus caches: after five calls PostgreSQL may keep one generic plan for every later call, chosen
 * without the parameters' values, so without knowing how few referrals are due. A plan that reads the whole referral
 * table (every case the hub has held, most of them concluded) then costs milliseconds per incident, more as the table
 * grows. Issue 21's ninth round found the check for other due referrals doing that: 4.5 ms a call on average over a
 * minute at 100 incidents a second (a third of a core), 20 to 33 ms a call by its end.
 *
 * <p>
 * Each statement's generic plan is read here against a referral table shaped like a busy hub's (thousands of
 * concluded cases, a few hundred offers waiting on their deadline, a few due), inserted and analysed in a
 * transaction that is rolled back, so no other test sees it.
 */
@QuarkusTest
class DueStatementPlansTest {

    /** A statement as the hub prepares it, with its parameters' types and values to explain it with. */
    record Prepared(String name, String sql, String parameterTypes, String arguments) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Prepared> statements() {
        return Stream.of(
                new Prepared("lockIfDue", ReferralRepository.LOCK_IF_DUE, "(uuid, timestamptz)",
                        "(gen_random_uuid(), now())"),
                new Prepared("lockNextDue", ReferralRepository.LOCK_NEXT_DUE, "(timestamptz)", "(now())"),
                new Prepared("lockByOffer", ReferralRepository.LOCK_BY_OFFER, "(uuid)", "(gen_random_uuid())"));
    }

    @ParameterizedTest
    @MethodSource("statements")
    void noGenericPlanReadsTheWholeReferralTable(Prepared statement) {
        String plan = genericPlan(statement);
        assertTrue(plan.contains("on referral"), plan);
        assertFalse(plan.contains("Seq Scan on referral"),
                statement.name() + "'s generic plan reads the whole table:\n" + plan);
    }

    /** The generic plan PostgreSQL keeps for the statement, against a busy hub's referral table. */
    private static String genericPlan(Prepared statement) {
        // 6,000 cases: 5,600 concluded (no next action), 360 offered with a deadline ahead, 40 due now.
        return TestDatabase.planInRolledBackTransaction(List.of("""
                INSERT INTO referral (id, cad_system, incident_id, status, category, incident, breach_at,
                                      last_event_at, created_at, updated_at, next_action_at)
                SELECT gen_random_uuid(), 'PLAN-CAD', 'plan-' || n,
                       CASE WHEN n <= 5600 THEN 'accepted' WHEN n <= 5960 THEN 'offered' ELSE 'routing' END,
                       'C3', '{}'::jsonb, now(), now(), now(), now(),
                       CASE WHEN n <= 5600 THEN NULL
                            WHEN n <= 5960 THEN now() + interval '10 minutes'
                            ELSE now() - interval '1 second' END
                FROM generate_series(1, 6000) AS n""",
                "ANALYZE referral",
                "SET LOCAL plan_cache_mode = force_generic_plan",
                "PREPARE plan_check " + statement.parameterTypes() + " AS " + statement.sql()),
                "EXPLAIN EXECUTE plan_check " + statement.arguments());
    }
}

package org.rightcare.hub.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.routing.RoutingPolicies;
import org.rightcare.hub.routing.RoutingPolicy;
import org.rightcare.hub.routing.RoutingPolicyReloads;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.Tokens;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Reloading the routing policy and the directory file on every replica: the replica asked reloads at once and audits
 * it; the others reload on the notification it sends.
 */
@QuarkusTest
class ReloadApiTest {

    @Inject
    RoutingPolicies policies;

    @Test
    void reloadsThePolicyFileHereAndAudits() {
        RoutingPolicy fromFile = policies.current();
        policies.use(withoutRules(fromFile));
        long audited = audits("routing-policy.reload");

        given().auth().oauth2(operatorToken()).post("/admin/routing-policy/reload")
                .then().statusCode(200).body("rules", equalTo(fromFile.rules().size()))
                .body("policyFile", equalTo("classpath:routing/default-policy.yaml"));

        assertEquals(fromFile.rules(), policies.current().rules());
        assertEquals(audited + 1, audits("routing-policy.reload"));
    }

    @Test
    void aReplicaReloadsItsPolicyWhenAnotherAnnouncesAReload() {
        RoutingPolicy fromFile = policies.current();
        policies.use(withoutRules(fromFile));

        // What another replica's reload sends, committed from outside this one.
        TestDatabase.query("SELECT pg_notify(?, 'another-replica')", RoutingPolicyReloads.CHANNEL);

        TestDatabase.await("the policy is read from the file again",
                () -> policies.current().rules().equals(fromFile.rules()));
    }

    @Test
    void appliesTheDirectoryFileOnRequestAndAudits() {
        long audited = audits("directory-file.reload");

        // The test directory file was applied at start and has not changed since: nothing to apply.
        given().auth().oauth2(operatorToken()).post("/admin/directory/reload")
                .then().statusCode(200).body("applied", equalTo(false));

        assertEquals(audited + 1, audits("directory-file.reload"));
    }

    @Test
    void onlyOperatorsMayReload() {
        long audited = audits("routing-policy.reload") + audits("directory-file.reload");
        given().auth().oauth2(Tokens.provider("RYY")).post("/admin/routing-policy/reload").then().statusCode(403);
        given().auth().oauth2(Tokens.provider("RYY")).post("/admin/directory/reload").then().statusCode(403);
        given().post("/admin/routing-policy/reload").then().statusCode(401);
        assertEquals(audited, audits("routing-policy.reload") + audits("directory-file.reload"));
    }

    private static RoutingPolicy withoutRules(RoutingPolicy policy) {
        return new RoutingPolicy("test: no rules", policy.c2Segmentation(), policy.timeBudgets(), List.of());
    }

    private static long audits(String action) {
        return TestDatabase.count("SELECT count(*) FROM audit_event WHERE action = ?", action);
    }

    private static String operatorToken() {
        return Tokens.issue("ops-dave", null, List.of("hub-admin"));
    }
}

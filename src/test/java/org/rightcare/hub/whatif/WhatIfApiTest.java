package org.rightcare.hub.whatif;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.Tokens;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/**
 * {@code /admin/what-if/report}: administrators run what-ifs and get the report as JSON, CSV or a standalone HTML
 * page; every run is audited; a bad request or a malformed CAD export is answered 4xx and changes nothing.
 */
@QuarkusTest
class WhatIfApiTest {

    static final String REPORT = "/admin/what-if/report";

    static RequestSpecification admin() {
        return given().auth().oauth2(Tokens.issue("planner-pat", "QKS", List.of("hub-admin")));
    }

    static long runsAudited() {
        return TestDatabase.count("SELECT count(*) FROM audit_event WHERE action = 'what-if.run'");
    }

    @Test
    void runsTheScenarioWithANamedVariantAsAStandaloneHtmlPage() {
        long before = runsAudited();

        admin().queryParam("days", 1).queryParam("variant", "ucr-until-22").queryParam("format", "html")
                .get(REPORT).then().statusCode(200)
                .contentType(startsWith("text/html"))
                .body(containsString("<svg"))
                .body(containsString("ucr-until-22"))
                .body(containsString("How to read this report"));

        assertEquals(before + 1, runsAudited());
        assertEquals(1, TestDatabase.count("""
                SELECT count(*) FROM audit_event WHERE action = 'what-if.run' AND actor = 'planner-pat'
                AND actor_organisation = 'QKS' AND detail->>'days' = '1'
                AND detail->'variants' = '["baseline","ucr-until-22"]'::jsonb"""));
    }

    @Test
    void answersJsonAndCsvOfTheSameRun() {
        admin().queryParam("days", 1).queryParam("seed", 5).queryParam("variant", "without-cas").get(REPORT).then()
                .statusCode(200)
                .body("variants", hasSize(2))
                .body("variants[0].name", equalTo("baseline"))
                .body("variants[1].name", equalTo("without-cas"))
                .body("seed", equalTo(5));
        String csv = admin().queryParam("days", 1).queryParam("seed", 5).queryParam("variant", "without-cas")
                .queryParam("format", "csv").get(REPORT).then().statusCode(200).contentType(startsWith("text/csv"))
                .extract().asString();
        assertEquals("variant,measure,key,hour,value", csv.lines().findFirst().orElseThrow());
    }

    @Test
    void runsAVariantWrittenOutInTheRequest() {
        admin().contentType("application/json").body("""
                {"days": 1, "seed": 3, "variants": [{"name": "more-frailty-beds",
                 "description": "Twice the frailty virtual ward beds",
                 "providers": {"vw-frailty-weald": {"places": 24}}}]}""")
                .post(REPORT).then().statusCode(200)
                .body("variants[1].name", equalTo("more-frailty-beds"));
    }

    @Test
    void refusesABadRequestAndRunsNothing() {
        long before = runsAudited();

        admin().queryParam("days", 0).queryParam("variant", "no-such-variant").get(REPORT).then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors.pointer", org.hamcrest.Matchers.hasItems("/days", "/variants/0"));
        admin().contentType("application/json").body("""
                {"variants": [{"name": "other-policy", "policy": "/etc/passwd"}]}""")
                .post(REPORT).then().statusCode(422)
                .body("errors[0].pointer", equalTo("/variants/0/policy"));
        admin().contentType("application/json").body("{\"days\": ").post(REPORT).then().statusCode(400);
        given().auth().oauth2(Tokens.provider("TST01")).get(REPORT).then().statusCode(403);
        given().get(REPORT).then().statusCode(401);

        assertEquals(before, runsAudited());
    }

    /** A hypoglycaemia in Canterbury at 20:30: only the UCR team could take it, and it closes at 20:00 today. */
    @Test
    void replaysAnUploadedCadExport() {
        admin().contentType("text/csv").queryParam("variant", "ucr-until-22").body("""
                time,category,complaint_code,age,postcode_district,dispatch_state,outcome,news2,clinical_frailty_scale
                2026-11-16T20:30,C3,302866003,60,CT1,clinical-queue,conveyed,2,
                2026-11-16T09:10,C1,29857009,60,ME14,dispatched,conveyed,7,
                """).post(REPORT).then().statusCode(200)
                .body("incidents", equalTo(2))
                .body("variants[0].sentBackByReason.service-closed", equalTo(1))
                .body("variants[0].sentBackByReason.not-eligible-category", equalTo(1))
                .body("variants[1].totals.accepted", equalTo(1))
                .body("variants[1].totals.conveyancesAvoided", equalTo(1.0f));
    }

    @Test
    void refusesAMalformedCadExportWithTheLineAndReasonAndChangesNothing() {
        long before = TestDatabase.rows("audit_event");

        admin().contentType("text/csv").body("""
                time,category,complaint_code,age,postcode_district,dispatch_state,outcome
                2026-11-16T09:30,C3,1912002,84,ME14,on-scene,conveyed
                2026-11-16T09:45,C3,1912002,eighty,ME14,on-scene,conveyed
                """).post(REPORT).then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("https://rightcare-hub.org/problems/invalid-cad-export"))
                .body("errors[0].line", equalTo(3))
                .body("errors[0].reason", equalTo("age 'eighty' is not a whole number"));

        assertEquals(before, TestDatabase.rows("audit_event"));
    }
}

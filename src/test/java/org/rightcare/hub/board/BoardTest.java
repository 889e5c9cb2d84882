package org.rightcare.hub.board;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.OpeningHours;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.support.WallClock;
import org.rightcare.hub.testing.BoardSession;
import org.rightcare.hub.testing.Referrals;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The board over HTTP, signed in by the authorisation code flow through the demo provider: a community team sees a
 * fall in its area on its stack and claims it (the CAD is told); a team elsewhere never sees it; a forged form changes
 * nothing; the hub's clinician sees why the case went where it did. Then what issue 19 asked of it: claims only for
 * services open now, naming whose offer they end; notices that say only what happened; words, not codes; the team's
 * own words with a decline; capacity for the hub's staff; sign-out; a friendly page for unknown paths.
 */
@QuarkusTest
class BoardTest {

    @TestHTTPResource("/")
    URL base;

    private String district;
    private String fallsTeam;
    private String responseTeam;

    @BeforeEach
    void aFallsServiceAndAnUrgentResponseTeam() {
        district = TestServices.freshDistrict();
        fallsTeam = "BA" + district;
        responseTeam = "BB" + district;
        TestServices.install(
                TestServices.service("board-falls-" + district.toLowerCase(), ServiceType.FALLS_RESPONSE, fallsTeam,
                        district, Duration.ofMinutes(30)),
                TestServices.service("board-ucr-" + district.toLowerCase(), ServiceType.UCR, responseTeam, district,
                        Duration.ofMinutes(30)));
    }

    @Test
    void aTeamSeesAFallOnItsStackAndClaimsItAndTheCadIsTold() {
        UUID fall = Referrals.post(Referrals.fallIn(district, "C3"));
        BoardSession team = BoardSession.signIn(uri(), "team-" + responseTeam);

        String stack = team.get("/board").body();
        assertTrue(stack.contains("data-referral=\"" + fall + "\""), "the fall is on the team's stack");
        assertTrue(team.get("/board/stack/rows").body().contains(fall.toString()), "and in the rows the page polls");
        assertFalse(team.get("/board/stack/rows?type=" + ServiceType.SDEC_SURGICAL.code()).body()
                .contains(fall.toString()), "a filter for a service type that cannot take it hides it");

        HttpResponse<String> page = team.get("/board/cases/" + fall);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Claim this case"));
        assertFalse(page.body().contains("9434765919"), "the stack view never shows the NHS number");

        HttpResponse<String> forged = team.post("/board/cases/" + fall + "/claim", BoardSession.form("csrf", "forged"));
        assertEquals(403, forged.statusCode());
        assertEquals("0",
                TestDatabase.text("SELECT count(*)::text FROM offer WHERE referral_id = ? AND status = 'accepted'", fall),
                "a forged form changes nothing");

        HttpResponse<String> claimed = team.post("/board/cases/" + fall + "/claim",
                BoardSession.form("csrf", BoardSession.csrf(page.body())));
        assertEquals(200, claimed.statusCode());
        assertTrue(claimed.body().contains("You claimed this case"), claimed.body());
        assertEquals("accepted", TestDatabase.text("SELECT status FROM referral WHERE id = ?", fall));
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM delivery_outbox WHERE referral_id = ? "
                + "AND payload::jsonb ->> 'eventType' = 'referral.accepted'", fall), "the CAD is told");
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM audit_event WHERE entity_id = ? AND action = 'referral.claim' "
                + "AND actor = ?", fall.toString(), "team-" + responseTeam), "audited as the person");
    }

    @Test
    void aTeamElsewhereNeverSeesTheCase() {
        UUID fall = Referrals.post(Referrals.fallIn(district, "C3"));
        String elsewhere = TestServices.freshDistrict();
        String otherTeam = "BC" + elsewhere;
        TestServices.install(TestServices.service("board-ucr-" + elsewhere.toLowerCase(), ServiceType.UCR, otherTeam,
                elsewhere, Duration.ofMinutes(30)));
        BoardSession other = BoardSession.signIn(uri(), "team-" + otherTeam);

        assertFalse(other.get("/board").body().contains(fall.toString()));
        assertEquals(404, other.get("/board/cases/" + fall).statusCode());
    }

    @Test
    void theHubClinicianSeesEveryServiceConsideredAndWhyAndSendsTheCaseBack() {
        UUID fall = Referrals.post(Referrals.fallIn(district, "C3"));
        Referrals.awaitOffer(fall, 1);
        BoardSession clinician = BoardSession.signIn(uri(), "hub-clinician");

        String page = clinician.get("/board/cases/" + fall).body();
        assertTrue(page.contains("Routing decision"));
        assertTrue(page.contains("board-falls-" + district.toLowerCase()), "the chosen service is named");
        assertTrue(page.contains("Timeline"));

        assertEquals(400, clinician.post("/board/cases/" + fall + "/send-back",
                BoardSession.form("csrf", BoardSession.csrf(page), "reason", "timed-out")).statusCode(),
                "only the reasons a clinician may give");
        assertEquals("offered", TestDatabase.text("SELECT status FROM referral WHERE id = ?", fall));
        HttpResponse<String> sentBack = clinician.post("/board/cases/" + fall + "/send-back",
                BoardSession.form("csrf", BoardSession.csrf(page), "reason", "clinically-inappropriate"));
        assertTrue(sentBack.body().contains("You sent this case back"), sentBack.body());
        assertEquals("sent-back clinically-inappropriate",
                TestDatabase.text("SELECT status || ' ' || send_back_reason FROM referral WHERE id = ?", fall));
        assertEquals("cancelled", TestDatabase.text("SELECT status FROM offer WHERE referral_id = ?", fall),
                "the open offer is withdrawn");
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM delivery_outbox WHERE referral_id = ? "
                + "AND payload::jsonb ->> 'eventType' = 'referral.sent-back'", fall), "the CAD is told why");
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM audit_event WHERE entity_id = ? "
                + "AND action = 'referral.send-back' AND actor = 'hub-clinician'", fall.toString()));
        assertEquals(409, clinician.post("/board/cases/" + fall + "/send-back",
                BoardSession.form("csrf", BoardSession.csrf(page), "reason", "other")).statusCode(),
                "a case goes back once");
    }

    @Test
    void aTeamDeclinesAnOfferWithAReasonAndTheCaseCascadesToTheNextService() {
        UUID fall = Referrals.post(Referrals.fallIn(district, "C3"));
        UUID firstOffer = Referrals.awaitOffer(fall, 1);
        BoardSession falls = BoardSession.signIn(uri(), "team-" + fallsTeam);
        String page = falls.get("/board/cases/" + fall).body();
        assertTrue(page.contains("/board/offers/" + firstOffer + "/answer"), "the offered team may answer");

        assertEquals(400, falls.post("/board/offers/" + firstOffer + "/answer",
                BoardSession.form("csrf", BoardSession.csrf(page), "answer", "reject")).statusCode(),
                "declining needs a reason");
        assertEquals(403, falls.post("/board/offers/" + firstOffer + "/answer",
                BoardSession.form("csrf", "forged", "answer", "reject", "reason", "22")).statusCode());
        assertEquals("requested", TestDatabase.text("SELECT status FROM offer WHERE id = ?", firstOffer),
                "refused answers change nothing");

        HttpResponse<String> declined = falls.post("/board/offers/" + firstOffer + "/answer",
                BoardSession.form("csrf", BoardSession.csrf(page), "answer", "reject", "reason", "22"));
        assertTrue(declined.body().contains("You declined this offer"), declined.body());
        assertEquals("rejected", TestDatabase.text("SELECT status FROM offer WHERE id = ?", firstOffer));
        UUID secondOffer = Referrals.awaitOffer(fall, 2);
        assertEquals("board-ucr-" + district.toLowerCase(),
                TestDatabase.text("SELECT service_id FROM offer WHERE id = ?", secondOffer), "on to the next service");

        BoardSession ucr = BoardSession.signIn(uri(), "team-" + responseTeam);
        String offered = ucr.get("/board/cases/" + fall).body();
        HttpResponse<String> accepted = ucr.post("/board/offers/" + secondOffer + "/answer",
                BoardSession.form("csrf", BoardSession.csrf(offered), "answer", "accept"));
        assertTrue(accepted.body().contains("You accepted this case"), accepted.body());
        assertEquals("accepted", TestDatabase.text("SELECT status FROM referral WHERE id = ?", fall));
        assertEquals(404, falls.post("/board/offers/" + secondOffer + "/answer",
                BoardSession.form("csrf", BoardSession.csrf(page), "answer", "accept")).statusCode(),
                "nobody answers another team's offer");
    }

    @Test
    void theHubsStaffReadTheWhatIfReportOnTheBoardAndTeamsDoNot() {
        BoardSession clinician = BoardSession.signIn(uri(), "hub-clinician");
        HttpResponse<String> report = clinician.get("/board/what-if?variant=ucr-until-22");
        assertEquals(200, report.statusCode());
        assertTrue(report.body().contains("ucr-until-22") && report.body().contains("<svg"), "the report, with charts");
        assertEquals(422, clinician.get("/board/what-if?variant=no-such-variant").statusCode());
        assertEquals(404, BoardSession.signIn(uri(), "team-" + responseTeam).get("/board/what-if").statusCode());
    }

    @Test
    void aTeamUpdatesItsOwnServicesCapacityAndNoOneElses() {
        String ucrService = "board-ucr-" + district.toLowerCase();
        BoardSession ucr = BoardSession.signIn(uri(), "team-" + responseTeam);
        String page = ucr.get("/board/capacity").body();
        assertTrue(page.contains(ucrService));
        String token = BoardSession.csrf(page);

        assertEquals(400, ucr.post("/board/capacity/" + ucrService,
                BoardSession.form("csrf", token, "rag", "PURPLE", "places", "1")).statusCode());
        assertEquals(404, ucr.post("/board/capacity/board-falls-" + district.toLowerCase(),
                BoardSession.form("csrf", token, "rag", "RED", "places", "0")).statusCode());
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM service_capacity WHERE service_id IN (?, ?)",
                ucrService, "board-falls-" + district.toLowerCase()), "refused updates change nothing");

        HttpResponse<String> updated = ucr.post("/board/capacity/" + ucrService,
                BoardSession.form("csrf", token, "rag", "AMBER", "places", "2"));
        assertTrue(updated.body().contains("Capacity updated"), updated.body());
        assertEquals("AMBER 2", TestDatabase.text("SELECT rag || ' ' || places FROM service_capacity WHERE service_id = ?",
                ucrService));
    }

    @Test
    void theHubSeesTheFlowPerHourAndServiceTypeAndTeamsDoNot() {
        UUID fall = Referrals.post(Referrals.fallIn(district, "C3"));
        Referrals.awaitOffer(fall, 1);
        BoardSession clinician = BoardSession.signIn(uri(), "hub-clinician");
        HttpResponse<String> flow = clinician.get("/board/flow?type=" + ServiceType.FALLS_RESPONSE.code());
        assertEquals(200, flow.statusCode());
        assertTrue(flow.body().contains("<svg") && flow.body().contains("offered</title>"), "a server-side chart");
        assertTrue(flow.body().contains("<td>" + ServiceType.FALLS_RESPONSE.display() + "</td>"), "the type's totals");
        assertFalse(flow.body().contains("<td>" + ServiceType.UCR.display() + "</td>"), "only the type asked for");

        assertEquals(404, BoardSession.signIn(uri(), "team-" + fallsTeam).get("/board/flow").statusCode());
    }

    @Test
    void theBoardSignsPeopleInAndTheProviderSendsCodesOnlyToTheBoard() {
        given().redirects().follow(false).get("/board/stack/rows").then().statusCode(302);
        given().redirects().follow(false)
                .queryParam("client_id", "rightcare-board").queryParam("redirect_uri", "https://evil.example/board")
                .queryParam("state", "s").get("/demo/oidc/authorize").then().statusCode(400);
        given().formParam("grant_type", "authorization_code").formParam("code", "guessed")
                .post("/demo/oidc/token").then().statusCode(401);
    }

    @Test
    void aTeamHoldingAnOfferAnswersItAndIsNotOfferedAClaim() {
        UUID fall = Referrals.post(Referrals.fallIn(district, "C3"));
        Referrals.awaitOffer(fall, 1);
        String page = BoardSession.signIn(uri(), "team-" + fallsTeam).get("/board/cases/" + fall).body();
        assertTrue(page.contains("Your team is offered this case") && page.contains("id=\"accept-button\""), page);
        assertFalse(page.contains("id=\"claim-button\""), "one clear action: answer the offer, no competing claim");
        assertTrue(page.indexOf("accept-button") < page.indexOf("Clinical picture"), "the answer comes first");
    }

    @Test
    void aClaimSaysWhoseOfferItEndsAndAsksToConfirm() {
        UUID fall = Referrals.post(Referrals.fallIn(district, "C3"));
        Referrals.awaitOffer(fall, 1);
        BoardSession ucr = BoardSession.signIn(uri(), "team-" + responseTeam);
        String casePage = ucr.get("/board/cases/" + fall).body();
        assertTrue(casePage.contains("claiming it ends that offer"), casePage);

        HttpResponse<String> confirm = ucr.get("/board/cases/" + fall + "/claim");
        assertEquals(200, confirm.statusCode());
        assertTrue(confirm.body().contains("board-falls-" + district.toLowerCase())
                && confirm.body().contains("Claiming it ends that offer"), "names the offer it ends: " + confirm.body());
        assertEquals("offered", TestDatabase.text("SELECT status FROM referral WHERE id = ?", fall),
                "asking to confirm changes nothing");

        HttpResponse<String> claimed = ucr.post("/board/cases/" + fall + "/claim",
                BoardSession.form("csrf", BoardSession.csrf(confirm.body()), "service",
                        "board-ucr-" + district.toLowerCase()));
        assertTrue(claimed.body().contains("You claimed this case. The hub recorded it."), claimed.body());
        assertEquals("cancelled", TestDatabase.text("SELECT status FROM offer WHERE referral_id = ? AND sequence = 1",
                fall), "the falls team's offer is withdrawn");
    }

    @Test
    void aTeamWhoseServiceIsClosedNowIsNotOfferedAClaim() {
        String closedDistrict = TestServices.freshDistrict();
        String closedTeam = "BD" + closedDistrict;
        LocalDateTime today = LocalDateTime.now(WallClock.ZONE);
        OpeningHours never = new OpeningHours(OpeningHours.twentyFourSeven().availableTimes(), List.of(
                new OpeningHours.NotAvailable("closed for the test", today.minusDays(1), today.plusDays(1))));
        TestServices.install(TestServices.service("board-closed-" + closedDistrict.toLowerCase(), ServiceType.UCR,
                closedTeam, closedDistrict, Duration.ofMinutes(30), never),
                TestServices.service("board-open-" + closedDistrict.toLowerCase(), ServiceType.FALLS_RESPONSE,
                        "BE" + closedDistrict, closedDistrict, Duration.ofMinutes(30)));
        UUID fall = Referrals.post(Referrals.fallIn(closedDistrict, "C3"));
        Referrals.awaitOffer(fall, 1);
        BoardSession closed = BoardSession.signIn(uri(), "team-" + closedTeam);
        HttpResponse<String> page = closed.get("/board/cases/" + fall);
        assertEquals(200, page.statusCode(), "the case is on the team's stack");
        assertFalse(page.body().contains("id=\"claim-button\""), "but a closed service cannot claim it");
        assertEquals(409, closed.post("/board/cases/" + fall + "/claim",
                BoardSession.form("csrf", BoardSession.csrf(page.body()))).statusCode());
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM offer WHERE referral_id = ? AND status = 'accepted'",
                fall));
    }

    @Test
    void noticesSayWhatHappenedAndChangeWhenTheCadAcknowledges() {
        UUID fall = Referrals.post(Referrals.fallIn(district, "C3"));
        BoardSession ucr = BoardSession.signIn(uri(), "team-" + responseTeam);
        String page = ucr.get("/board/cases/" + fall).body();
        HttpResponse<String> claimed = ucr.post("/board/cases/" + fall + "/claim",
                BoardSession.form("csrf", BoardSession.csrf(page)));
        assertFalse(claimed.body().contains("has been told"), "never claims the CAD was told: " + claimed.body());
        String state = TestDatabase.text("SELECT state FROM delivery_outbox WHERE referral_id = ? "
                + "AND payload::jsonb ->> 'eventType' = 'referral.accepted'", fall);
        if ("pending".equals(state)) {
            assertTrue(claimed.body().contains("has not acknowledged it yet"), claimed.body());
            assertTrue(claimed.body().contains("data-refresh=\"/board/cases/" + fall + "/notice?notice=claimed\""),
                    "the page asks again");
        } else if ("dead".equals(state)) {
            assertTrue(claimed.body().contains("could not be reached"), claimed.body());
        }
        TestDatabase.execute(
                "UPDATE delivery_outbox SET state = 'delivered', delivered_at = now(), dead_at = NULL, lease_token = NULL "
                        + "WHERE referral_id = ? AND payload::jsonb ->> 'eventType' = 'referral.accepted'",
                fall);
        String notice = ucr.get("/board/cases/" + fall + "/notice?notice=claimed").body();
        assertTrue(notice.contains("system acknowledged it at"), notice);
        assertFalse(notice.contains("data-refresh"), "and stops asking");
    }

    @Test
    void casesReadInWordsAndDeliveryInternalsAreForAdministratorsOnly() {
        UUID fall = Referrals.post(Referrals.fallIn(district, "C3"));
        Referrals.awaitOffer(fall, 1);
        String clinician = BoardSession.signIn(uri(), "hub-clinician").get("/board/cases/" + fall).body();
        assertTrue(clinician.contains("C3 Urgent"), "the category in words");
        assertTrue(clinician.contains("(SNOMED CT 1912002)") || clinician.contains("SNOMED CT"), clinician);
        assertFalse(clinician.matches("(?s).*\\d{4}-\\d{2}-\\d{2}T\\d{2}:.*"), "no ISO timestamps");
        assertFalse(clinician.contains("clinical-queue") || clinician.contains("CLINICAL_QUEUE"), "no state codes");
        assertFalse(clinician.contains("deliveryId"), "no delivery internals for a clinician");
        assertTrue(BoardSession.signIn(uri(), "hub-admin").get("/board/cases/" + fall).body().contains("deliveryId"),
                "an administrator sees them");
    }

    @Test
    void aDeclineCarriesTheTeamsOwnWords() {
        UUID fall = Referrals.post(Referrals.fallIn(district, "C3"));
        UUID offer = Referrals.awaitOffer(fall, 1);
        BoardSession falls = BoardSession.signIn(uri(), "team-" + fallsTeam);
        String page = falls.get("/board/cases/" + fall).body();
        HttpResponse<String> declined = falls.post("/board/offers/" + offer + "/answer", BoardSession.form("csrf",
                BoardSession.csrf(page), "answer", "reject", "reason", "22", "text", "Both crews on a long job"));
        assertTrue(declined.body().contains("You declined this offer. The hub recorded it."), declined.body());
        assertEquals("Both crews on a long job", TestDatabase.text("SELECT status_reason_text FROM offer WHERE id = ?",
                offer));
        assertEquals(400, falls.post("/board/offers/" + offer + "/answer", BoardSession.form("csrf",
                BoardSession.csrf(page), "answer", "reject", "reason", "22", "text", "x".repeat(1001))).statusCode(),
                "at most the contract's 1,000 characters");
    }

    @Test
    void theHubsStaffSetAnyServicesCapacity() {
        String falls = "board-falls-" + district.toLowerCase();
        BoardSession admin = BoardSession.signIn(uri(), "hub-admin");
        String page = admin.get("/board/capacity").body();
        assertTrue(page.contains(falls), "every service is listed for the hub's staff");
        HttpResponse<String> updated = admin.post("/board/capacity/" + falls,
                BoardSession.form("csrf", BoardSession.csrf(page), "rag", "RED", "places", "0"));
        assertTrue(updated.body().contains("Capacity updated"), updated.body());
        assertEquals("RED 0", TestDatabase.text("SELECT rag || ' ' || places FROM service_capacity WHERE service_id = ?",
                falls));
    }

    @Test
    void unknownPathsGetAFriendlyPageAndSignOutEndsTheSession() {
        BoardSession team = BoardSession.signIn(uri(), "team-" + responseTeam);
        HttpResponse<String> nope = team.get("/board/nope");
        assertEquals(404, nope.statusCode());
        assertTrue(nope.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(nope.body().contains("Page not found") && nope.body().contains("Back to the stack"), nope.body());

        String stack = team.get("/board").body();
        HttpResponse<String> out = team.post("/board/sign-out", BoardSession.form("csrf", BoardSession.csrf(stack)));
        assertTrue(out.body().contains("You have signed out"), out.body());
        assertEquals("/demo/oidc/authorize", team.get("/board").uri().getPath(), "the next visit signs in again");
    }

    private URI uri() {
        return URI.create(base.toString());
    }
}

package org.rightcare.hub.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.testing.Referrals;
import org.rightcare.hub.testing.Slow;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The board in a real browser: headless Chromium from the machine's packages ({@code /usr/bin/chromium}, or the
 * {@code board.chromium} system property), driven by Playwright, which never downloads a browser of its own. A team
 * signs in by choosing a demo user, sees a new incident arrive on its stack the moment it is routed (pushed by
 * server-sent events, or polled when the stream is unavailable), marked, counted in the title and announced, and
 * claims it after a confirmation; a team elsewhere does not see it; an offer holder answers first and a decline with
 * the team's words cascades; a send-back asks to confirm and shows its reason; nothing scrolls sideways on a phone.
 * axe-core checks every page in every state it reaches ({@link BoardAxe}). Screenshots land in
 * {@code target/board-screenshots}. Where no Chromium is installed the tests are skipped, saying so.
 */
@Slow
@QuarkusTest
class BoardBrowserTest {

    private static final Path CHROMIUM = Path.of(System.getProperty("board.chromium", "/usr/bin/chromium"));
    private static final Path SCREENSHOTS = Path.of("target", "board-screenshots");
    /** Generous: a new case shows within a second or two of its routing, or one poll when the stream is down. */
    private static final double APPEARS_WITHIN_MS = 20_000;

    private static Playwright playwright;
    private static Browser browser;

    @TestHTTPResource("/")
    URL base;

    private String district;
    private String fallsTeam;
    private String responseTeam;

    @BeforeAll
    static void startChromium() {
        assumeTrue(Files.isExecutable(CHROMIUM), "No Chromium at " + CHROMIUM + ": install Debian's chromium package "
                + "(apt-get install -y chromium) or set -Dboard.chromium to run the browser tests");
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
                .setHeadless(true).setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu")));
    }

    @AfterAll
    static void stopChromium() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }

    @BeforeEach
    void aFallsServiceAndAnUrgentResponseTeam() {
        district = TestServices.freshDistrict();
        fallsTeam = "WA" + district;
        responseTeam = "WB" + district;
        TestServices.install(
                TestServices.service("web-falls-" + district.toLowerCase(), ServiceType.FALLS_RESPONSE, fallsTeam,
                        district, Duration.ofMinutes(30)),
                TestServices.service("web-ucr-" + district.toLowerCase(), ServiceType.UCR, responseTeam, district,
                        Duration.ofMinutes(30)));
    }

    @Test
    void aTeamSeesANewIncidentArriveWithoutAReloadAndClaimsIt() throws Exception {
        try (BrowserContext context = browser.newContext(tablet())) {
            Page page = signIn(context, "team-" + responseTeam);
            page.evaluate("() => { window.notReloaded = true; }");
            awaitLiveMode(page, "events");
            assertNoViolations(page, "the team's stack");

            UUID fall = Referrals.post(Referrals.fallIn(district, "C3"));
            String row = "tr[data-referral='" + fall + "']";
            page.waitForSelector(row, new Page.WaitForSelectorOptions().setTimeout(APPEARS_WITHIN_MS));
            assertEquals(Boolean.TRUE, page.evaluate("() => window.notReloaded"), "it arrived without a reload");
            assertTrue(page.getAttribute(row, "class").contains("arrived"), "marked as new");
            assertTrue(page.title().startsWith("(1 new) "), "counted in the title: " + page.title());
            assertTrue(page.textContent("#arrivals").startsWith("New case: C3 Urgent"),
                    "announced: " + page.textContent("#arrivals"));
            assertTrue(page.textContent(row + " .category").contains("C3 Urgent"), "category in words");
            assertNoViolations(page, "the stack with a new arrival");
            screenshot(page, "stack.png");

            page.click(row + " a");
            page.waitForSelector("#claim-button");
            assertTrue(page.url().endsWith("/board/cases/" + fall), "the URL names the referral and nothing else");
            assertNoViolations(page, "a case on the team's stack");
            screenshot(page, "case-stack-view.png");
            page.click("#claim-button");
            page.waitForSelector("#confirm-claim");
            assertNoViolations(page, "the claim confirmation");
            page.click("#confirm-claim");
            page.waitForSelector("text=You claimed this case");
            assertEquals("Accepted", page.textContent("#case-state").trim());
            assertEquals(1, TestDatabase.count("SELECT count(*) FROM delivery_outbox WHERE referral_id = ? "
                    + "AND payload::jsonb ->> 'eventType' = 'referral.accepted'", fall), "the CAD is told");
            assertNoViolations(page, "the notice after a claim");
            screenshot(page, "claimed.png");

            // The notice changes by itself once the ambulance service's system acknowledges the callback.
            TestDatabase.execute("UPDATE delivery_outbox SET state = 'delivered', delivered_at = now(), "
                    + "dead_at = NULL, lease_token = NULL WHERE referral_id = ? AND payload::jsonb ->> 'eventType' = "
                    + "'referral.accepted'", fall);
            page.waitForSelector("#notice:has-text('acknowledged it at')",
                    new Page.WaitForSelectorOptions().setTimeout(APPEARS_WITHIN_MS));
        }
    }

    @Test
    void theStackPollsWhenTheEventStreamIsUnavailable() {
        try (BrowserContext context = browser.newContext(tablet())) {
            context.route("**/board/stack/events", route -> route.abort());
            Page page = signIn(context, "team-" + responseTeam);
            awaitLiveMode(page, "polling");
            UUID fall = Referrals.post(Referrals.fallIn(district, "C4"));
            page.waitForSelector("tr[data-referral='" + fall + "']",
                    new Page.WaitForSelectorOptions().setTimeout(APPEARS_WITHIN_MS * 2));
            assertTrue(page.textContent("#live-state").contains("every 10 seconds"), page.textContent("#live-state"));
        }
    }

    @Test
    void aTeamElsewhereDoesNotSeeTheCase() throws Exception {
        UUID fall = Referrals.post(Referrals.fallIn(district, "C3"));
        String elsewhere = TestServices.freshDistrict();
        String otherTeam = "WC" + elsewhere;
        TestServices.install(TestServices.service("web-ucr-" + elsewhere.toLowerCase(), ServiceType.UCR, otherTeam,
                elsewhere, Duration.ofMinutes(30)));
        try (BrowserContext context = browser.newContext(tablet())) {
            Page page = signIn(context, "team-" + otherTeam);
            assertEquals(0, page.locator("tr[data-referral='" + fall + "']").count());
            page.navigate(base + "board/cases/" + fall);
            assertTrue(page.textContent("h1").contains("Case not found"));
            assertNoViolations(page, "a case the team may not see");
            screenshot(page, "other-organisation.png");
        }
    }

    @Test
    void aDeclinedOfferCascadesToTheNextService() throws Exception {
        UUID fall = Referrals.post(Referrals.fallIn(district, "C3"));
        Referrals.awaitOffer(fall, 1);
        try (BrowserContext falls = browser.newContext(tablet())) {
            Page page = signIn(falls, "team-" + fallsTeam);
            page.navigate(base + "board/cases/" + fall);
            assertEquals(0, page.locator("#claim-button").count(), "an offer holder answers; it does not claim");
            assertNoViolations(page, "an offer to answer");
            screenshot(page, "offer.png");
            page.selectOption("#reason", "22");
            page.fill("#decline-text", "Both crews out until 4pm");
            page.click("#reject-button");
            page.waitForSelector("text=You declined this offer");
            assertNoViolations(page, "the notice after a decline");
        }
        Referrals.awaitOffer(fall, 2);
        try (BrowserContext hub = browser.newContext(tablet())) {
            Page page = signIn(hub, "hub-clinician");
            page.navigate(base + "board/cases/" + fall);
            String offers = page.textContent("#offers ~ div table");
            assertTrue(offers.contains("Declined") && offers.contains("Both crews out until 4pm")
                    && offers.contains("web-ucr-" + district.toLowerCase()),
                    "the hub sees the decline, the team's words and the next offer: " + offers);
            assertTrue(page.textContent("#routing ~ div table").contains("web-falls-" + district.toLowerCase()));
            assertNoViolations(page, "the hub's view of a case");
            screenshot(page, "case-hub-view.png");
            page.click("text=Back to the stack");
            page.click("nav >> text=Flow");
            assertEquals(1, page.locator("svg[role='img']").count(), "the flow chart");
            assertNoViolations(page, "the flow");
            screenshot(page, "flow.png");
            page.click("nav >> text=Capacity");
            page.waitForSelector("text=Services' capacity");
            assertNoViolations(page, "capacity for the hub's staff");
            page.click("nav >> text=What-if");
            page.waitForSelector("text=What-if report", new Page.WaitForSelectorOptions().setTimeout(120_000));
            assertTrue(page.locator("a:has-text('Back to the stack')").count() > 0, "a way back");
            assertNoViolations(page, "the what-if report");
            screenshot(page, "what-if.png");
        }
    }

    @Test
    void aSendBackAsksToConfirmAndShowsTheReasonAfter() throws Exception {
        UUID fall = Referrals.post(Referrals.fallIn(district, "C3"));
        Referrals.awaitOffer(fall, 1);
        try (BrowserContext hub = browser.newContext(tablet())) {
            Page page = signIn(hub, "hub-clinician");
            page.navigate(base + "board/cases/" + fall);
            page.click("#send-back-button");
            page.waitForSelector("#confirm-send-back");
            assertEquals("offered", TestDatabase.text("SELECT status FROM referral WHERE id = ?", fall),
                    "nothing is sent back before the confirmation");
            assertNoViolations(page, "the send-back confirmation");
            page.selectOption("#send-back-reason", "clinically-inappropriate");
            page.fill("#send-back-text", "Needs a GP home visit instead");
            page.click("#confirm-send-back");
            page.waitForSelector("text=You sent this case back");
            assertTrue(page.textContent("#send-back-reason").contains("Not clinically appropriate"),
                    page.textContent("#send-back-reason"));
            assertNoViolations(page, "a case sent back");
            screenshot(page, "sent-back.png");
        }
    }

    @Test
    void atPhoneWidthNothingScrollsSidewaysAndEveryPageHasAWayBack() throws Exception {
        UUID fall = Referrals.post(Referrals.fallIn(district, "C3"));
        Referrals.awaitOffer(fall, 1);
        try (BrowserContext phone = browser.newContext(new Browser.NewContextOptions().setViewportSize(375, 740))) {
            Page page = signIn(phone, "team-" + fallsTeam);
            page.waitForSelector("tr[data-referral='" + fall + "']");
            assertFitsTheScreen(page, "the stack");
            assertNoViolations(page, "the stack at phone width");
            screenshot(page, "phone-stack.png");
            page.navigate(base + "board/cases/" + fall);
            assertFitsTheScreen(page, "a case");
            assertNoViolations(page, "a case at phone width");

            // The countdowns tick in the page, on the server's clock.
            page.evaluate("() => { const c = document.querySelector('.countdown[data-kind=\"answer\"]');"
                    + " c.setAttribute('data-until', String(Date.now() + 61 * 60000 + 30000)); }");
            // Polled from here: Playwright's waitForFunction compiles its predicate in the page, which the board's
            // Content-Security-Policy (no 'unsafe-eval') rightly refuses.
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> String.valueOf(page.evaluate(
                            "() => document.querySelector('.countdown[data-kind=\"answer\"]').textContent"))
                            .matches("in 1 h 0[01] min"));

            page.navigate(base + "board/nope");
            assertTrue(page.textContent("h1").contains("Page not found"));
            assertTrue(page.locator("a:has-text('Back to the stack')").count() > 0, "a way back");
            assertNoViolations(page, "an unknown path");
            page.navigate(base + "board/capacity");
            assertNoViolations(page, "the team's capacity");
            page.click("#sign-out");
            page.waitForSelector("text=You have signed out");
            assertNoViolations(page, "signed out");
        }
    }

    /**
     * Waits until the board says how it follows the stack. Polled from here, not with Playwright's waitForFunction,
     * which compiles its predicate in the page: the board's Content-Security-Policy (no 'unsafe-eval') refuses that.
     */
    private static void awaitLiveMode(Page page, String mode) {
        Awaitility.await().atMost(Duration.ofMillis((long) APPEARS_WITHIN_MS)).until(() -> mode.equals(String.valueOf(
                page.evaluate("() => window.boardLive ? window.boardLive.mode : null"))));
    }

    private static void assertFitsTheScreen(Page page, String what) {
        assertEquals(Boolean.TRUE, page.evaluate(
                "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
                what + " scrolls sideways at phone width");
    }

    private static void assertNoViolations(Page page, String state) {
        BoardAxe.assertNoViolations(page, state);
    }

    private Page signIn(BrowserContext context, String demoUser) {
        Page page = context.newPage();
        page.navigate(base + "board");
        page.click("a[href*='user=" + demoUser + "&']");
        page.waitForSelector("#stack-rows");
        return page;
    }

    private static Browser.NewContextOptions tablet() {
        return new Browser.NewContextOptions().setViewportSize(1024, 768);
    }

    private static void screenshot(Page page, String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name)).setFullPage(true));
    }
}

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
 * signs in by choosing a demo user, sees a new incident arrive on its stack without a reload, and claims it; a team
 * elsewhere does not see it; a declined offer cascades to the next service. Screenshots land in
 * {@code target/board-screenshots}. Where no Chromium is installed the tests are skipped, saying so.
 */
@Slow
@QuarkusTest
class BoardBrowserTest {

    private static final Path CHROMIUM = Path.of(System.getProperty("board.chromium", "/usr/bin/chromium"));
    private static final Path SCREENSHOTS = Path.of("target", "board-screenshots");
    /** The stack polls every 5 seconds; a new case must show within a few polls. */
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

            UUID fall = Referrals.post(Referrals.fallIn(district, "C3"));
            page.waitForSelector("tr[data-referral='" + fall + "']",
                    new Page.WaitForSelectorOptions().setTimeout(APPEARS_WITHIN_MS));
            assertEquals(Boolean.TRUE, page.evaluate("() => window.notReloaded"), "it arrived without a reload");
            screenshot(page, "stack.png");

            page.click("tr[data-referral='" + fall + "'] a");
            page.waitForSelector("#claim-button");
            assertTrue(page.url().endsWith("/board/cases/" + fall), "the URL names the referral and nothing else");
            screenshot(page, "case-stack-view.png");
            page.click("#claim-button");
            page.waitForSelector("text=You claimed this case");
            assertEquals("accepted", page.textContent("#case-state").trim());
            assertEquals(1, TestDatabase.count("SELECT count(*) FROM delivery_outbox WHERE referral_id = ? "
                    + "AND payload::jsonb ->> 'eventType' = 'referral.accepted'", fall), "the CAD is told");
            screenshot(page, "claimed.png");
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
            page.selectOption("#reason", "22");
            page.click("#reject-button");
            page.waitForSelector("text=You declined this offer");
        }
        Referrals.awaitOffer(fall, 2);
        try (BrowserContext hub = browser.newContext(tablet())) {
            Page page = signIn(hub, "hub-clinician");
            page.navigate(base + "board/cases/" + fall);
            String offers = page.textContent("#offers + table");
            assertTrue(offers.contains("rejected") && offers.contains("web-ucr-" + district.toLowerCase()),
                    "the hub sees the decline and the next offer: " + offers);
            assertTrue(page.textContent("#routing + table").contains("web-falls-" + district.toLowerCase()));
            screenshot(page, "case-hub-view.png");
            page.click("text=Back to the stack");
            page.click("text=Flow over the last 24 hours");
            assertEquals(1, page.locator("svg[role='img']").count(), "the flow chart");
            screenshot(page, "flow.png");
        }
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

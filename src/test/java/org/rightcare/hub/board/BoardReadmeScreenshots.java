package org.rightcare.hub.board;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;

/**
 * The README's pictures of the board, taken from a running demo hub (its demo directory and demo traffic), never
 * from test fixtures: {@code scripts/board-screenshots.sh} starts the demo, lets traffic arrive, and runs this with
 * {@code -Dboard.demo-url}. Without that property (every ordinary test run) it is skipped. It signs in as a community
 * team with work on its stack and as the hub clinician, and writes {@code docs/board-*.png}.
 */
class BoardReadmeScreenshots {

    private static final Path CHROMIUM = Path.of(System.getProperty("board.chromium", "/usr/bin/chromium"));
    private static final Path DOCS = Path.of(System.getProperty("board.screenshots-dir", "docs"));

    @Test
    void takeTheReadmesScreenshotsFromTheDemo() throws Exception {
        String demo = System.getProperty("board.demo-url");
        assumeTrue(demo != null && !demo.isBlank(), "Set -Dboard.demo-url to a running demo hub "
                + "(scripts/board-screenshots.sh does) to take the README's screenshots");
        assumeTrue(Files.isExecutable(CHROMIUM), "No Chromium at " + CHROMIUM);
        String base = demo.endsWith("/") ? demo : demo + "/";
        Files.createDirectories(DOCS);
        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
                Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(CHROMIUM).setHeadless(true)
                        .setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu")))) {
            try (BrowserContext hub = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900))) {
                Page page = signIn(hub, base, "a[href*='user=hub-clinician&']");
                shoot(page, "board-stack-hub.png");
                String firstCase = page.getAttribute("#stack-rows tr[data-open='true'] a", "href");
                if (firstCase != null) {
                    page.navigate(base + firstCase.substring(1));
                    shoot(page, "board-case.png");
                    page.navigate(base + firstCase.substring(1) + "/send-back");
                    shoot(page, "board-send-back.png");
                }
                page.navigate(base + "board/flow");
                shoot(page, "board-flow.png");
            }
            try (BrowserContext team = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900))) {
                // The first team on the sign-in page whose stack has open work, as a team member would see it.
                Page page = team.newPage();
                page.navigate(base + "board");
                int teams = page.locator("a[href*='user=team-']").count();
                for (int i = 0; i < teams; i++) {
                    team.clearCookies();
                    page.navigate(base + "board");
                    page.locator("a[href*='user=team-']").nth(i).click();
                    page.waitForSelector("#stack-rows");
                    if (page.locator("#stack-rows tr[data-open='true']").count() > 0) {
                        shoot(page, "board-stack.png");
                        page.click("#stack-rows tr[data-open='true'] a");
                        page.waitForSelector("#case-state");
                        shoot(page, "board-case-team.png");
                        break;
                    }
                }
            }
            try (BrowserContext phone = browser.newContext(new Browser.NewContextOptions().setViewportSize(375, 740))) {
                Page page = signIn(phone, base, "a[href*='user=hub-clinician&']");
                shoot(page, "board-phone.png");
            }
        }
    }

    private static Page signIn(BrowserContext context, String base, String user) {
        Page page = context.newPage();
        page.navigate(base + "board");
        page.click(user);
        page.waitForSelector("#stack-rows");
        return page;
    }

    private static void shoot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(DOCS.resolve(name)).setFullPage(false));
    }
}

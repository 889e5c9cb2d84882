package org.rightcare.hub.board;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.microsoft.playwright.Page;

/**
 * axe-core, run in the page as it stands, every rule axe runs by default (WCAG 2.x A and AA, and its best
 * practices): any violation fails the test, naming the rule and the elements. The script comes from Deque's jar on the
 * test class path and is evaluated through the browser's debugging protocol, which the page's Content-Security-Policy
 * does not govern, so the page is checked under its real policy.
 */
final class BoardAxe {

    private static final String AXE = load();

    private BoardAxe() {
    }

    /** Fails with every violation axe finds on the page now; {@code state} names what the page shows, for the message. */
    static void assertNoViolations(Page page, String state) {
        if (!Boolean.TRUE.equals(page.evaluate("() => typeof window.axe !== 'undefined'"))) {
            page.evaluate(AXE);
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> violations = (List<Map<String, Object>>) page.evaluate("""
                async () => (await axe.run(document)).violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary).join(' | ')
                }))""");
        assertEquals(List.of(), violations, "axe on " + state + " (" + page.url() + ")");
    }

    private static String load() {
        try (InputStream in = BoardAxe.class.getResourceAsStream("/axe.min.js")) {
            if (in == null) {
                throw new IllegalStateException("axe.min.js is not on the test class path (com.deque.html.axe-core)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package org.rightcare.hub.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.testing.BoardSession;
import org.rightcare.hub.testing.Tokens;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The board as the demo and tests run it (its own sign-in through the demo provider): a signed-in person's pages carry
 * the security headers, and an API bearer token still opens nothing (it is sent to sign in like anyone anonymous).
 */
@QuarkusTest
class BoardResponseHeadersTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void boardPagesCarryTheSecurityHeaders() throws URISyntaxException {
        BoardSession clinician = BoardSession.signIn(base.toURI(), "hub-clinician");
        for (String path : new String[] { "/board", "/board/flow" }) {
            HttpResponse<String> page = clinician.get(path);
            assertEquals(200, page.statusCode(), path);
            assertEquals(BoardResponseHeaders.CONTENT_SECURITY_POLICY,
                    page.headers().firstValue("Content-Security-Policy").orElse(null), path);
            assertEquals("no-store", page.headers().firstValue("Cache-Control").orElse(null), path);
            assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(null), path);
            assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElse(null), path);
        }
    }

    @Test
    void anApiBearerTokenIsSentToSignInNotShownTheBoard() {
        int status = given().auth().oauth2(Tokens.hubAdmin()).redirects().follow(false).get("/board").statusCode();
        assertNotEquals(200, status);
    }
}

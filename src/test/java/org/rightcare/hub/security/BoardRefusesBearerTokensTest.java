package org.rightcare.hub.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.oneOf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * A hub behind a real identity provider (here a mocked one) whose board tenant is not configured: the API's bearer
 * tokens, valid for the FHIR API, open no board page, whatever their role or organisation. Every board response, the
 * refusal included, carries the board's security headers.
 */
@QuarkusTest
@TestProfile(MockOidcProvider.class)
class BoardRefusesBearerTokensTest {

    private static Map<String, String> tokens() {
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("provider", MockOidcProvider.token("system-XWC", "XWC", List.of("provider"), null));
        tokens.put("auditor", MockOidcProvider.token("auditor", null, List.of("auditor"), null));
        tokens.put("no organisation", MockOidcProvider.token("nobody", null, List.of(), null));
        tokens.put("cad", MockOidcProvider.token("cad-system", "RYY", List.of("cad"), null));
        tokens.put("hub-clinician", MockOidcProvider.token("clinician", null, List.of("hub-clinician"), null));
        tokens.put("hub-admin", MockOidcProvider.token("admin", null, List.of("hub-admin"), null));
        return tokens;
    }

    @Test
    void refusesEveryApiBearerTokenOnTheBoard() {
        for (Map.Entry<String, String> token : tokens().entrySet()) {
            for (String path : List.of("/board", "/board/capacity", "/board/flow")) {
                Response response = given().auth().oauth2(token.getValue()).redirects().follow(false).get(path);
                response.then().statusCode(oneOf(401, 403));
                response.then().header("Content-Security-Policy", equalTo(BoardResponseHeaders.CONTENT_SECURITY_POLICY))
                        .header("Cache-Control", equalTo("no-store"));
            }
            // The same token still works where it belongs: the FHIR API.
            given().auth().oauth2(token.getValue()).get("/fhir/metadata").then().statusCode(not(401));
        }
    }

    @Test
    void refusesPostsToTheBoardWithABearerToken() {
        given().auth().oauth2(tokens().get("hub-clinician")).redirects().follow(false)
                .contentType("application/x-www-form-urlencoded").formParam("reason", "other")
                .post("/board/cases/00000000-0000-0000-0000-000000000000/send-back")
                .then().statusCode(oneOf(401, 403));
    }
}

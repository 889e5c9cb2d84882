package org.rightcare.hub.demo;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Demo tokens exist only in the demo (and dev) profile: anywhere else the endpoint looks like no endpoint at all. */
@QuarkusTest
class DemoTokenEndpointTest {

    private static Response postForm(String path) {
        return given().contentType("application/x-www-form-urlencoded")
                .formParam("sub", "ucr-team").formParam("org", "RXY").formParam("roles", "provider")
                .post(path);
    }

    @Test
    void issuesNoTokenOutsideTheDemoProfile() {
        postForm("/demo/token").then().statusCode(404)
                .contentType("application/problem+json")
                .body(not(containsString("access_token")));
    }

    @Test
    void answersAsAPathThatDoesNotExist() {
        Response demo = postForm("/demo/token");
        Response none = postForm("/demo/no-such-endpoint");

        demo.then().statusCode(404);
        none.then().statusCode(404);
        assertEquals(none.<String> path("type"), demo.path("type"));
        assertEquals(none.<String> path("title"), demo.path("title"));
    }
}

package org.rightcare.hub.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.oneOf;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.testing.CadWebhook;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * A hub whose identity provider cannot be reached (nothing listens at its URL): it stays ready and keeps taking CAD
 * events (intake needs only the database), says the provider is down in {@code /q/health} (the {@code well} group)
 * and in a gauge, and answers calls that need the provider 503 with Retry-After, or 401, never 500.
 */
@QuarkusTest
@TestProfile(IdentityProviderDownTest.Unreachable.class)
class IdentityProviderDownTest {

    public static class Unreachable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    // Port 9 (discard) has no listener on the build machines: connections are refused.
                    "quarkus.oidc.auth-server-url", "http://127.0.0.1:9/realms/rightcare",
                    "quarkus.oidc.public-key", "",
                    "quarkus.oidc.token.issuer", "http://127.0.0.1:9/realms/rightcare",
                    "hub.security.identity-provider-check-interval", "1s");
        }
    }

    @Test
    void staysReadyAndTakesCadEvents() {
        given().get("/q/health/ready").then().statusCode(200);
        CadWebhook.post(CadWebhook.event("incident-created.json")).then().statusCode(202);
    }

    @Test
    void saysTheProviderIsDownInHealthAndMetrics() {
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            given().get("/q/health/well").then().statusCode(503)
                    .body("checks.find { it.name == 'identity-provider' }.status", equalTo("DOWN"));
            given().get("/q/health").then().statusCode(503).body(containsString("identity-provider"));
            given().get("/q/metrics").then().body(containsString("rightcare_identity_provider_up 0.0"));
        });
    }

    @Test
    void callsThatNeedTheProviderAnswer503OrUnauthorisedNever500() {
        String token = MockOidcProvider.token("system-XWC", "XWC", List.of("provider"), null);
        for (String path : List.of("/fhir/ServiceRequest", "/fhir/Task", "/admin/dead-letters", "/board")) {
            Response response = given().auth().oauth2(token).redirects().follow(false).get(path);
            response.then().statusCode(oneOf(401, 503));
            if (response.statusCode() == 503) {
                response.then().header("Retry-After", notNullValue());
            }
        }
        given().redirects().follow(false).get("/board").then().statusCode(not(500));
    }
}

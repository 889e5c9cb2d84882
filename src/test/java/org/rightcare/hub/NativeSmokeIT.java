package org.rightcare.hub;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.testing.CadWebhook;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The packaged hub (the native executable under {@code -Pnative}, else the jar) doing what needs reflection and
 * resources at run time: migrations, the CAD webhook's JSON, HAPI FHIR rendering and parsing, the OpenAPI document.
 */
@QuarkusIntegrationTest
class NativeSmokeIT {

    @Test
    void isReadyOnItsMigratedDatabase() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void acceptsACadEventAndServesItsServiceRequestAsFhir() {
        ObjectNode event = CadWebhook.event("incident-created.json");
        CadWebhook.post(event).then().statusCode(202).body("referralId", notNullValue());

        given().accept("application/fhir+json").get("/fhir/metadata").then().statusCode(200)
                .body("resourceType", equalTo("CapabilityStatement")).body("fhirVersion", equalTo("4.0.1"));
        given().get("/openapi").then().statusCode(200);
    }
}

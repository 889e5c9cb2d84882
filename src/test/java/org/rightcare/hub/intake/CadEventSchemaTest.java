package org.rightcare.hub.intake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rightcare.hub.support.DocumentSchema;
import org.rightcare.hub.testing.CadCallbackSchema;
import org.rightcare.hub.testing.CadWebhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.regex.JoniRegularExpressionFactory;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The JSON Schema the hub serves to CAD vendors describes the contract the hub enforces: an event that the schema
 * accepts the hub accepts, and an event the schema refuses the hub refuses too (except for the rules a schema cannot
 * state, such as the NHS number check digit). The schema is read as a vendor's validator reads it: JSON Schema
 * 2020-12 with ECMA-262 regular expressions.
 */
@QuarkusTest
class CadEventSchemaTest {

    private static final String SCHEMA_PATH = "/cad/v1/schema/cad-event.schema.json";
    private static final String CALLBACK_SCHEMA_PATH = "/cad/v1/schema/cad-callback.schema.json";
    private static final String FALL = "incident-created.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Schema servedSchema() {
        String text = given().get(SCHEMA_PATH).then().statusCode(200).extract().asString();
        SchemaRegistryConfig config = SchemaRegistryConfig.builder()
                .regularExpressionFactory(JoniRegularExpressionFactory.getInstance())
                .formatAssertionsEnabled(true)
                .build();
        return SchemaRegistry.withDialect(Dialects.getDraft202012(), builder -> builder.schemaRegistryConfig(config))
                .getSchema(text, InputFormat.JSON);
    }

    @Test
    void servesTheSchemaAsSchemaJson() {
        given().get(SCHEMA_PATH).then().statusCode(200)
                .contentType("application/schema+json")
                .body("$schema", equalTo("https://json-schema.org/draft/2020-12/schema"))
                .body("title", equalTo("rightcare-hub CAD event, contract v1"));
    }

    @Test
    void servesTheCallbackSchemaBesideItAsSchemaJson() {
        String served = given().get(CALLBACK_SCHEMA_PATH).then().statusCode(200)
                .contentType("application/schema+json")
                .header("Cache-Control", containsString("max-age=3600"))
                .body("$schema", equalTo("https://json-schema.org/draft/2020-12/schema"))
                .body("title", equalTo("rightcare-hub CAD callback, contract v1"))
                .extract().asString();

        assertEquals(DocumentSchema.read(CadCallbackSchema.RESOURCE), served, "the very schema the tests check with");
    }

    @Test
    void theExampleEventOfTheContractIsValid() {
        List<Error> errors = servedSchema().validate(CadWebhook.fixture(FALL));

        assertTrue(errors.isEmpty(), errors.toString());
    }

    /**
     * JSON Schema patterns are ECMA-262 regular expressions. Inline modifiers such as {@code (?i)} are Java and
     * PCRE only: JavaScript validators (ajv) and Python's {@code re} refuse to compile them, which would make the
     * whole schema unusable to a CAD vendor. Joni accepts them, so this is checked on the pattern text.
     */
    @Test
    void everyPatternIsPortableEcma262() throws Exception {
        JsonNode schema = JSON.readTree(given().get(SCHEMA_PATH).then().statusCode(200).extract().asString());
        Pattern inlineModifier = Pattern.compile("\\(\\?(?![:=!]|<[=!]|<[A-Za-z])");

        List<String> patterns = schema.findValues("pattern").stream().map(JsonNode::asText).toList();

        assertFalse(patterns.isEmpty());
        for (String pattern : patterns) {
            assertFalse(inlineModifier.matcher(pattern).find(), "not ECMA-262: " + pattern);
        }
    }

    static Stream<Arguments> variants() {
        return Stream.of(
                variant("the example as the tests post it", true, event -> {
                }),
                variant("an unknown patient with a name and an estimated age", true, event -> {
                    patient(event).remove("nhsNumber");
                    patient(event).remove("birthDate");
                    patient(event).put("estimatedAge", 80);
                }),
                variant("an NHS number written with spaces", true,
                        event -> patient(event).put("nhsNumber", "943 476 5919")),
                variant("a lower-case postcode", true, event -> location(event).put("postcode", "me14 1ab")),
                variant("coordinates without a postcode", true, event -> location(event).remove("postcode")),
                variant("a location postcode that is no postcode", false,
                        event -> location(event).put("postcode", "NOT A POSTCODE")),
                variant("a category that is not an ARP category", false,
                        event -> incident(event).put("category", "C9")),
                variant("no location", false, event -> incident(event).remove("location")),
                variant("a latitude without a longitude", false, event -> {
                    location(event).remove("postcode");
                    location(event).remove("longitude");
                }),
                variant("no patient identity", false, event -> {
                    patient(event).remove("nhsNumber");
                    patient(event).remove("birthDate");
                }),
                variant("a NEWS2 score over 20", false,
                        event -> ((ObjectNode) incident(event).get("clinical")).put("news2", 21)),
                variant("an unknown event type", false, event -> event.put("eventType", "incident.exploded")),
                variant("no eventId", false, event -> event.remove("eventId")),
                // What the schema catches that the hub's hand-written reader let through:
                variant("a date-time without seconds, which RFC 3339 does not allow", false,
                        event -> event.put("occurredAt", "2026-11-22T14:03Z")),
                variant("an NHS number spaced other than 3-3-4", false,
                        event -> patient(event).put("nhsNumber", "94 34 76 59 19")),
                variant("a code system that is not a URI", false,
                        event -> ((ObjectNode) incident(event).get("presentingComplaint")).put("system", "snomed ct")),
                variant("a crew on an incident still on the clinical queue", false,
                        event -> incident(event).putObject("crew").put("callSign", "KM12")),
                variant("a crew once dispatched", true, event -> {
                    incident(event).put("dispatchState", "dispatched");
                    incident(event).putObject("crew").put("callSign", "KM12");
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void theSchemaAndTheHubAgree(String name, boolean valid, Consumer<ObjectNode> change) {
        ObjectNode event = CadWebhook.event(FALL);
        change.accept(event);

        List<Error> errors = servedSchema().validate(event);
        Response hub = CadWebhook.post(event);

        assertEquals(valid, errors.isEmpty(), "schema: " + errors);
        assertEquals(valid ? 202 : 422, hub.statusCode(), "hub: " + hub.asString());
    }

    private static Arguments variant(String name, boolean valid, Consumer<ObjectNode> change) {
        return Arguments.of(name, valid, change);
    }

    private static ObjectNode incident(ObjectNode event) {
        return (ObjectNode) event.get("incident");
    }

    private static ObjectNode patient(ObjectNode event) {
        return (ObjectNode) incident(event).get("patient");
    }

    private static ObjectNode location(ObjectNode event) {
        return (ObjectNode) incident(event).get("location");
    }
}

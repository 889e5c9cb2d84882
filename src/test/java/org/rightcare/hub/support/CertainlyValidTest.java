package org.rightcare.hub.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.support.CertainlyValid.Verdict;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The quick verdict never contradicts the validator: a CAD event it calls valid the validator passes, and one it calls
 * invalid the validator refuses, over the contract's examples and thousands of seeded mutations of them (values of
 * every type at every place, at and just past the schema's bounds, fields removed and added). The valid events it is
 * there for it decides itself.
 */
class CertainlyValidTest {

    /** As the webhook reads bodies: decimals kept as written. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private static final DocumentSchema CAD_EVENT = DocumentSchema.load("/cad/cad-event-v1.schema.json", false);
    private static final CertainlyValid QUICK = new CertainlyValid(CAD_EVENT.document(), "");

    private static final List<Object> VALUES = List.of("", " ", "\u00a0", "\ufeff", "x", "C3", "C4T", "HCP2",
            "incident.created", "incident.updated", "incident.cancelled", "incident.closed", "clinical-queue", "closed",
            "999", "111", "pathways", "ampds", "male", "unknown", "2026-11-22T14:03:12Z", "2026-11-22T14:03:12.5Z",
            "2026-11-22T14:03:12.123456789Z", "2026-11-22T14:03:12+01:00", "2026-11-22t14:03:12z",
            "2026-02-30T00:00:00Z", "2026-11-22T24:00:00Z", "2026-12-31T23:59:60Z", "0000-01-01T00:00:00Z",
            "2026-11-22", "1938-04-02", "1938-02-30", "0000-01-01", "ME14 1AB", "me141ab", "GIR 0AA", "ME14  1AB",
            "9434765919", "943 476 5919", "94347659190", "https://cad.example/cb", "http://127.0.0.1:8080/cad?x=1&y=2",
            "http://[::1]/", "http://host/a b", "http://host/?q=[1]", "https://h\u00e9.example/", "mailto:x@y",
            "urn:isbn:1", "/relative", "http://snomed.info/sct", "x:", "http://", "ab".repeat(101), "a".repeat(40),
            "a".repeat(41), "\ud83d\ude91".repeat(40), "\ud83d\ude91".repeat(41), "SEC-1", "-x", "a b", 0, -1, 1, 9, 10,
            20, 21, 130, 131, 90, -90, 180, -181, 2, 18, true, false);
    private static final List<String> DECIMALS = List.of("90.0", "90.0001", "-90.5", "51.2787", "2.0", "2.5", "1E+2",
            "0.0", "130.0", "6.0");
    private static final List<String> STRUCTURES = List.of("null", "{}", "[]", "[\"12 Station Road\"]", "[\"\"]",
            "[\" \"]", "[{\"code\": \"x\", \"value\": 1}]", "[{\"code\": \"x\"}]", "{\"system\": \"pathways\"}",
            "{\"system\": \"ampds\", \"ampdsDeterminant\": \"17A1\"}", "{\"callSign\": \"A1\"}",
            "{\"callSign\": \"A1\", \"onSceneAt\": \"2026-11-22T14:03:12Z\"}", "{\"callSign\": \"A1\", \"onSceneAt\": null}",
            "{\"incidentId\": \"SEC-1\"}", "{\"postcode\": \"ME14 1AB\"}", "{\"latitude\": 51.2}",
            "{\"latitude\": 51.2, \"longitude\": 0.5}", "{\"nhsNumber\": \"9434765919\"}",
            "{\"givenName\": \"Edith\", \"estimatedAge\": 80}", "{\"familyName\": \" \", \"birthDate\": \"1938-04-02\"}",
            "{\"system\": \"http://snomed.info/sct\", \"code\": \"1912002\"}");

    @Test
    void decidesTheContractsOwnEventsItself() throws Exception {
        for (JsonNode event : seeds()) {
            assertEquals(Verdict.VALID, QUICK.of(event), event.toString());
            assertEquals(List.of(), CAD_EVENT.check(event));
        }
    }

    @Test
    void neverContradictsTheValidator() throws Exception {
        Random random = new Random(2112);
        List<JsonNode> seeds = seeds();
        int valid = 0;
        int invalid = 0;
        for (int i = 0; i < 6_000; i++) {
            JsonNode event = seeds.get(random.nextInt(seeds.size())).deepCopy();
            for (int m = random.nextInt(3); m >= 0; m--) {
                mutate(event, random);
            }
            Verdict verdict = QUICK.of(event);
            List<FieldError> errors = CAD_EVENT.validatorsErrors(event);
            if (verdict == Verdict.VALID) {
                valid++;
                assertEquals(List.of(), errors, "called valid: " + event);
            } else if (verdict == Verdict.INVALID) {
                invalid++;
                assertTrue(!errors.isEmpty(), "called invalid: " + event);
            }
        }
        assertTrue(valid > 500 && invalid > 500, valid + " called valid, " + invalid + " invalid");
    }

    private static List<JsonNode> seeds() throws Exception {
        List<JsonNode> seeds = new ArrayList<>();
        for (String fixture : List.of("/cad/incident-created.json", "/cad/fall-in-demo-area.json")) {
            try (InputStream in = CertainlyValidTest.class.getResourceAsStream(fixture)) {
                seeds.add(JSON.readTree(in));
            }
        }
        for (JsonNode example : CAD_EVENT.document().path("examples")) {
            seeds.add(JSON.readTree(example.toString()));
        }
        ObjectNode withCallback = seeds.get(0).deepCopy();
        withCallback.put("callbackUrl", "http://127.0.0.1:44089/cad-callbacks");
        seeds.add(withCallback);
        ObjectNode cancel = JSON.createObjectNode().put("eventId", "e-2").put("eventType", "incident.cancelled")
                .put("occurredAt", "2026-11-22T14:03:12.120Z").put("cadSystem", "DEMO-CAD");
        cancel.putObject("incident").put("incidentId", "SEC-20261122-004211");
        seeds.add(cancel);
        return seeds;
    }

    /** Replaces, removes or adds one value somewhere in the event. */
    private static void mutate(JsonNode event, Random random) throws Exception {
        List<JsonNode> containers = new ArrayList<>();
        collect(event, containers);
        JsonNode container = containers.get(random.nextInt(containers.size()));
        JsonNode value = randomValue(random);
        if (container instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            int choice = random.nextInt(10);
            if (names.isEmpty() || choice == 0) {
                object.set(choice == 0 && !names.isEmpty() ? "unknownField" : "incidentId", value);
            } else if (choice == 1) {
                object.remove(names.get(random.nextInt(names.size())));
            } else {
                object.set(names.get(random.nextInt(names.size())), value);
            }
        } else if (container instanceof ArrayNode array) {
            if (array.isEmpty() || random.nextBoolean()) {
                array.add(value);
            } else {
                array.set(random.nextInt(array.size()), value);
            }
        }
    }

    private static JsonNode randomValue(Random random) throws Exception {
        int kind = random.nextInt(10);
        if (kind < 6) {
            return JSON.valueToTree(VALUES.get(random.nextInt(VALUES.size())));
        }
        if (kind < 7) {
            return JSON.readTree(DECIMALS.get(random.nextInt(DECIMALS.size())));
        }
        return JSON.readTree(STRUCTURES.get(random.nextInt(STRUCTURES.size())));
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            collect(fields.next().getValue(), containers);
        }
        if (node.isArray()) {
            node.forEach(item -> collect(item, containers));
        }
    }
}

package org.rightcare.hub.support;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Reads the JSON body of an admin request, or says in a 400 problem why it is not JSON. */
public final class JsonBodies {

    // Duplicate keys would let two readers of the same body see two different requests.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** The body's JSON, or the 400 problem to answer. */
    public record Parsed(JsonNode json, Problem malformed) {
    }

    private JsonBodies() {
    }

    public static Parsed parse(String body) {
        if (body == null || body.isBlank()) {
            return malformed("the body is empty");
        }
        try {
            return new Parsed(JSON.readTree(body), null);
        } catch (JsonProcessingException e) {
            return malformed(e.getOriginalMessage());
        }
    }

    private static Parsed malformed(String why) {
        return new Parsed(null, Problem.of(400, "malformed-json", "Malformed JSON", "The body is not JSON: " + why));
    }
}

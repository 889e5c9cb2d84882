package org.rightcare.hub.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.rightcare.hub.support.DocumentSchema;

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

/**
 * Checks a CAD callback body against the published {@code cad/cad-callback-v1.schema.json}, twice: as published
 * (what a CAD's validator says), and closed, every object of the schema refusing fields it does not name. The
 * published schema lets CADs ignore fields added within v1; the closed check makes sure the hub never sends a field
 * its own schema does not document, so a body that drifts from the schema breaks the tests.
 */
public final class CadCallbackSchema {

    public static final String RESOURCE = "/cad/cad-callback-v1.schema.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DocumentSchema PUBLISHED = DocumentSchema.load(RESOURCE, true);
    private static final Schema CLOSED = closed();

    private CadCallbackSchema() {
    }

    /** Every way the body breaks the schema, published or closed; empty if none. */
    public static List<String> problems(JsonNode body) {
        List<String> problems = new ArrayList<>();
        PUBLISHED.check(body).forEach(e -> problems.add(e.pointer() + " " + e.detail()));
        for (Error error : CLOSED.validate(body)) {
            problems.add("(closed) " + error.getInstanceLocation() + " " + error.getMessage());
        }
        return problems;
    }

    public static List<String> problems(String body) {
        try {
            return problems(JSON.readTree(body));
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
    }

    /** The published schema document. */
    public static JsonNode document() {
        return PUBLISHED.document();
    }

    private static Schema closed() {
        ObjectNode schema = PUBLISHED.document().deepCopy();
        close(schema);
        SchemaRegistryConfig config = SchemaRegistryConfig.builder()
                .regularExpressionFactory(JoniRegularExpressionFactory.getInstance())
                .formatAssertionsEnabled(true)
                .errorMessageKeyword("errorMessage")
                .build();
        String id = schema.path("$id").asText();
        try {
            String text = JSON.writeValueAsString(schema);
            return SchemaRegistry.withDialect(Dialects.getDraft202012(),
                    builder -> builder.schemaRegistryConfig(config).schemas(Map.of(id, text)))
                    .getSchema(text, InputFormat.JSON);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes every object schema that names its properties (and only those: an if/then fragment is not one). */
    private static void close(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if ("object".equals(object.path("type").asText()) && object.has("properties")) {
                object.put("additionalProperties", false);
            }
            for (Iterator<JsonNode> children = object.elements(); children.hasNext();) {
                close(children.next());
            }
        } else if (node.isArray()) {
            node.forEach(CadCallbackSchema::close);
        }
    }
}

package org.rightcare.hub.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

/**
 * Validates Kubernetes objects offline against the API's own OpenAPI definitions, the way kubeconform does with
 * {@code -strict}: types, enums, required fields, and no field the API does not define (a misspelt
 * {@code readinessprobe} is an error, where the API server would silently drop it).
 *
 * <p>
 * The definitions are the Swagger 2.0 document fabric8 ships in {@code io.fabric8:kubernetes-model-validator}
 * ({@code openshift-generated.json}): Kubernetes' built-in APIs plus the Prometheus Operator's CRDs
 * ({@code monitoring.coreos.com}), but not CloudNativePG's. They are turned into JSON Schema as kubeconform's
 * openapi2jsonschema does: int-or-string and quantities accept both a string and a number, formats are dropped, and
 * every object that lists its properties refuses others.
 */
final class KubernetesSchemas {

    private static final String DEFINITIONS = "/openshift-generated.json";
    private static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
    private static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    private static final KubernetesSchemas INSTANCE = load();

    private final ObjectNode definitions;
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    private KubernetesSchemas(ObjectNode definitions) {
        this.definitions = definitions;
    }

    static KubernetesSchemas instance() {
        return INSTANCE;
    }

    /** The definition's name for an apiVersion and kind, whether or not the definitions have it. */
    static String definitionName(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        if (slash < 0) {
            return "io.k8s.api.core." + apiVersion + "." + kind;
        }
        String group = apiVersion.substring(0, slash);
        String version = apiVersion.substring(slash + 1);
        if (!group.contains(".")) {
            return "io.k8s.api." + group + "." + version + "." + kind;
        }
        if (group.endsWith(".k8s.io")) {
            return "io.k8s.api." + group.substring(0, group.length() - ".k8s.io".length()) + "." + version + "." + kind;
        }
        // Third-party groups are named reverse-DNS: monitoring.coreos.com -> com.coreos.monitoring.
        List<String> parts = new ArrayList<>(List.of(group.split("\\.")));
        Collections.reverse(parts);
        return String.join(".", parts) + "." + version + "." + kind;
    }

    boolean knows(String apiVersion, String kind) {
        return definitions.has(definitionName(apiVersion, kind));
    }

    /**
     * The ways {@code object} breaks its kind's schema, as JSON-pointer-like paths with a message; empty when it is
     * valid. Empty too for a kind with no schema: ask {@link #knows} first.
     */
    List<String> validate(JsonNode object) {
        String name = definitionName(object.path("apiVersion").asText(), object.path("kind").asText());
        if (!definitions.has(name)) {
            return List.of();
        }
        Schema schema = schemas.computeIfAbsent(name, this::schemaFor);
        return schema.validate(object).stream().map(Error::toString).sorted().toList();
    }

    private Schema schemaFor(String definition) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("$ref", "#/definitions/" + definition);
        root.set("definitions", definitions);
        return registry.getSchema(root);
    }

    private static KubernetesSchemas load() {
        try (InputStream in = KubernetesSchemas.class.getResourceAsStream(DEFINITIONS)) {
            if (in == null) {
                throw new IllegalStateException(DEFINITIONS + " is not on the test classpath "
                        + "(io.fabric8:kubernetes-model-validator)");
            }
            ObjectNode definitions = (ObjectNode) new ObjectMapper().readTree(in).get("definitions");
            Iterator<Map.Entry<String, JsonNode>> each = definitions.fields();
            while (each.hasNext()) {
                strictSchema((ObjectNode) each.next().getValue());
            }
            definitions.set(INT_OR_STRING, oneOf("string", "integer"));
            definitions.set(QUANTITY, oneOf("string", "number"));
            return new KubernetesSchemas(definitions);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFINITIONS, e);
        }
    }

    /** Drops what a validator must not act on and closes objects to undeclared properties, recursively. */
    private static void strictSchema(ObjectNode schema) {
        schema.remove("description");
        schema.remove("format");
        schema.properties().removeIf(field -> field.getKey().startsWith("x-"));
        JsonNode properties = schema.get("properties");
        if (properties instanceof ObjectNode declared) {
            declared.forEach(property -> strictSchema((ObjectNode) property));
            if (!schema.has("additionalProperties")) {
                schema.put("additionalProperties", false);
            }
        }
        if (schema.get("additionalProperties") instanceof ObjectNode values) {
            strictSchema(values);
        }
        if (schema.get("items") instanceof ObjectNode items) {
            strictSchema(items);
        }
        for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
            if (schema.get(combinator) instanceof ArrayNode alternatives) {
                alternatives.forEach(alternative -> strictSchema((ObjectNode) alternative));
            }
        }
    }

    private static ObjectNode oneOf(String... types) {
        ObjectNode schema = JsonNodeFactory.instance.objectNode();
        ArrayNode alternatives = schema.putArray("oneOf");
        for (String type : types) {
            alternatives.addObject().put("type", type.toLowerCase(Locale.ROOT));
        }
        return schema;
    }
}

package org.rightcare.hub.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.path.PathType;
import com.networknt.schema.regex.JoniRegularExpressionFactory;

/**
 * One of the JSON Schemas (2020-12) the hub publishes for the documents it reads (the CAD event, the directory file, the
 * routing policy): built once, it checks a parsed document, says what is wrong in the hub's words by JSON pointer, and
 * binds what passed into a record with Jackson. Only rules across fields are left to the reader's own code.
 *
 * <p>
 * Patterns are ECMA-262 (joni), as CAD vendors' validators and editors evaluate them, and formats are assertions.
 * The validator's own messages are written for schema authors, so each failure is said again from its keyword, the
 * value and the schema: {@code required} names the field, {@code enum} lists the allowed values, and so on. Where that
 * would not help, the schema says it itself with {@code errorMessage}, a string in the sense editors (VS Code's YAML
 * and JSON support) give it: the message for any failure of that subschema's value, reported once at that value (a
 * missing property takes the message written on that property, if any). A failure inside {@code anyOf} or
 * {@code oneOf} is reported once, for the value that has the alternatives.
 */
public final class DocumentSchema {

    private static final SchemaRegistryConfig CONFIG = SchemaRegistryConfig.builder()
            .regularExpressionFactory(JoniRegularExpressionFactory.getInstance())
            .formatAssertionsEnabled(true)
            .pathType(PathType.JSON_POINTER)
            // The validator knows the keyword (no "unknown keyword" warning); the hub says the message itself.
            .errorMessageKeyword("errorMessage")
            .build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CONSUMING = Set.of("properties", "patternProperties", "additionalProperties",
            "items", "prefixItems", "contains", "unevaluatedProperties", "unevaluatedItems");
    private static final Set<String> NAMED = Set.of("properties", "patternProperties", "$defs", "dependentSchemas");
    private static final Set<String> INDEXED = Set.of("allOf", "anyOf", "oneOf", "prefixItems");
    /** Keywords about the value itself, after whose message the value is worth quoting. */
    private static final Set<String> ABOUT_THE_VALUE = Set.of("type", "enum", "const", "pattern", "format", "minimum",
            "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf");

    private final Schema schema;
    private final JsonNode document;
    private final boolean quoteValues;

    private DocumentSchema(Schema schema, JsonNode document, boolean quoteValues) {
        this.schema = schema;
        this.document = document;
        this.quoteValues = quoteValues;
    }

    /**
     * @param resource the schema on the classpath, such as {@code /directory/directory-v1.schema.json}; with
     *        {@code #/$defs/name}, one definition of it
     * @param quoteValues whether messages name the field and quote the value; never for documents that carry patient
     *        data, whose refusals may be logged
     */
    public static DocumentSchema load(String resource, boolean quoteValues) {
        int hash = resource.indexOf('#');
        String path = hash < 0 ? resource : resource.substring(0, hash);
        String text = read(path);
        JsonNode document;
        try {
            document = JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(path + " is not JSON", e);
        }
        String id = document.path("$id").asText(null);
        if (id == null) {
            throw new IllegalStateException(path + " has no $id");
        }
        SchemaRegistry registry = SchemaRegistry.withDialect(Dialects.getDraft202012(),
                builder -> builder.schemaRegistryConfig(CONFIG).schemas(Map.of(id, text)));
        Schema schema = registry.getSchema(SchemaLocation.of(hash < 0 ? id : id + resource.substring(hash)));
        schema.initializeValidators();
        return new DocumentSchema(schema, document, quoteValues);
    }

    /** The schema's text, as the hub serves it. */
    public static String read(String resource) {
        try (InputStream in = DocumentSchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema document itself (its {@code examples}, for instance). */
    public JsonNode document() {
        return document;
    }

    /** Every way {@code value} breaks the schema, by pointer into it, in the order of the schema; empty if none. */
    public List<FieldError> check(JsonNode value) {
        List<Error> errors = schema.validate(value);
        if (errors.isEmpty()) {
            return List.of();
        }
        Set<FieldError> said = new LinkedHashSet<>();
        for (Error error : errors) {
            said.add(say(error, value));
        }
        return List.copyOf(said);
    }

    /**
     * {@code value} without what {@code errors} refused (each refused value made null; list entries keep their
     * places), so that records bound from it, and the rules across their fields, see only values that passed.
     *
     * @param errors what {@link #check} said of {@code value}
     */
    public static JsonNode passed(JsonNode value, List<FieldError> errors) {
        if (errors.isEmpty()) {
            return value;
        }
        JsonNode passed = value.deepCopy();
        for (FieldError error : errors) {
            passed = withoutValueAt(passed, error.pointer());
        }
        return passed;
    }

    /**
     * {@code value} (what {@link #passed} left) as a record. A value the schema passes but Jackson cannot hold (a
     * date-time the JDK does not parse) is left out, as null, and added to {@code errors}.
     *
     * @param at where {@code value} sits in its document, so that such errors point into the document
     * @param reader {@link #binder()}'s reader for the record, made once: making it is a tenth of a bind's cost
     */
    public static <T> T bind(JsonNode value, String at, ObjectReader reader, List<FieldError> errors) {
        try {
            return reader.withHandler(new LeaveOut(at, errors)).readValue(value);
        } catch (IOException e) {
            throw new IllegalStateException("A document that passed its schema did not bind to "
                    + reader.getValueType(), e);
        }
    }

    /** A mapper for {@link #bind}: JSON or YAML values into records, with java.time, unknown fields left to the schema. */
    public static JsonMapper.Builder binder() {
        return JsonMapper.builder().addModule(new JavaTimeModule()).addModule(CanonicalTimes.module())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
    }

    // ------------------------------------------------------------------ saying what is wrong

    /** A subschema met on the way from the schema's root to the failing keyword. */
    private record Frame(JsonNode node, boolean consumes, String via) {
    }

    private FieldError say(Error error, JsonNode root) {
        String instance = error.getInstanceLocation().toString();
        String keyword = error.getKeyword();
        List<Frame> frames = frames(error);
        int lastConsuming = 0;
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).consumes() || "$defs".equals(frames.get(i).via())) {
                lastConsuming = i;
            }
        }
        // A failure inside alternatives is one failure of the value that offers them.
        for (int h = 0; h < frames.size(); h++) {
            if (holdsAlternatives(frames, h, keyword)) {
                int consumedAfter = (int) frames.subList(h + 1, frames.size()).stream().filter(Frame::consumes).count();
                int from = 0;
                for (int i = 0; i <= h; i++) {
                    if (frames.get(i).consumes() || "$defs".equals(frames.get(i).via())) {
                        from = i;
                    }
                }
                String message = innermostMessage(frames, from, h);
                return said(truncate(instance, consumedAfter), keyword, message == null
                        ? "does not match any of the allowed forms"
                        : message, root, false);
            }
        }
        JsonNode holder = frames.isEmpty() ? document : frames.get(frames.size() - 1).node();
        String property = error.getProperty();
        if ("required".equals(keyword) || "dependentRequired".equals(keyword)) {
            String missing = "required".equals(keyword) ? property : String.valueOf(error.getArguments()[0]);
            // Only a message written on the property itself speaks for its absence (a shared definition's does not).
            String own = message(holder.path("properties").path(missing));
            if (own != null) {
                return said(instance + "/" + YamlDocument.pointerSegment(missing), keyword, own, root, false);
            }
            String shared = innermostMessage(frames, lastConsuming, frames.size() - 1);
            if (shared != null) {
                return said(instance, keyword, shared, root, false);
            }
            return said(instance + "/" + YamlDocument.pointerSegment(missing), keyword,
                    "required".equals(keyword) ? "is required" : "is required with " + property, root, false);
        }
        if ("additionalProperties".equals(keyword)) {
            return said(instance + "/" + YamlDocument.pointerSegment(property), keyword,
                    "is not a known field; expected one of " + String.join(", ", fieldNames(holder)), root, false);
        }
        if ("propertyNames".equals(keyword)) {
            String own = message(resolve(holder.path("propertyNames")));
            return said(instance + "/" + YamlDocument.pointerSegment(property), keyword,
                    own == null ? "is not an allowed name" : own, root, false);
        }
        String message = innermostMessage(frames, lastConsuming, frames.size() - 1);
        return said(instance, keyword, message == null ? generic(keyword, holder) : message, root,
                ABOUT_THE_VALUE.contains(keyword));
    }

    /** Whether frame {@code h} offers alternatives on the way to the failure (or is the failing anyOf/oneOf). */
    private static boolean holdsAlternatives(List<Frame> frames, int h, String keyword) {
        if (h + 1 < frames.size()) {
            String via = frames.get(h + 1).via();
            return "anyOf".equals(via) || "oneOf".equals(via);
        }
        return "anyOf".equals(keyword) || "oneOf".equals(keyword);
    }

    /** The subschemas from the schema document's root to the one that holds the failing keyword. */
    private List<Frame> frames(Error error) {
        SchemaLocation location = error.getSchemaLocation();
        String fragment = location.getFragment() == null ? "" : location.getFragment().toString();
        if (fragment.startsWith("#")) {
            fragment = fragment.substring(1);
        }
        List<String> segments = new ArrayList<>();
        for (JsonPointer p = JsonPointer.compile(fragment); !p.matches(); p = p.tail()) {
            segments.add(p.getMatchingProperty());
        }
        List<Frame> frames = new ArrayList<>();
        JsonNode node = document;
        frames.add(new Frame(node, false, ""));
        // The last segment is the failing keyword itself.
        for (int i = 0; i < segments.size() - 1; i++) {
            String keyword = segments.get(i);
            JsonNode next = node.path(keyword);
            if ((NAMED.contains(keyword) || INDEXED.contains(keyword)) && i + 1 < segments.size() - 1) {
                String key = segments.get(++i);
                next = next.isArray() ? next.path(Integer.parseInt(key)) : next.path(key);
            }
            node = next;
            frames.add(new Frame(node, CONSUMING.contains(keyword), keyword));
        }
        return frames;
    }

    private static String innermostMessage(List<Frame> frames, int from, int to) {
        for (int i = to; i >= from && i >= 0; i--) {
            String message = message(frames.get(i).node());
            if (message != null) {
                return message;
            }
        }
        return null;
    }

    private static String message(JsonNode subschema) {
        JsonNode message = subschema.path("errorMessage");
        return message.isTextual() ? message.textValue() : null;
    }

    /** A subschema that is only a local {@code $ref} stands for its target. */
    private JsonNode resolve(JsonNode subschema) {
        JsonNode ref = subschema.path("$ref");
        if (ref.isTextual() && ref.textValue().startsWith("#") && message(subschema) == null) {
            return document.at(ref.textValue().substring(1));
        }
        return subschema;
    }

    private static List<String> fieldNames(JsonNode holder) {
        Set<String> names = new TreeSet<>();
        holder.path("properties").fieldNames().forEachRemaining(names::add);
        return List.copyOf(names);
    }

    private static String truncate(String pointer, int segments) {
        String result = pointer;
        for (int i = 0; i < segments && !result.isEmpty(); i++) {
            result = result.substring(0, result.lastIndexOf('/'));
        }
        return result;
    }

    /** The hub's words for a keyword that failed, when the schema gives none. */
    private static String generic(String keyword, JsonNode holder) {
        return switch (keyword) {
            case "type" -> "must be " + types(holder.path("type"));
            case "enum" -> "must be one of " + values(holder.path("enum"));
            case "const" -> "must be " + holder.path("const").asText();
            case "minimum", "maximum" -> range(holder);
            case "exclusiveMinimum" -> "must be more than " + holder.path("exclusiveMinimum").asText();
            case "exclusiveMaximum" -> "must be less than " + holder.path("exclusiveMaximum").asText();
            case "minLength" -> "must be at least " + holder.path("minLength").asInt() + " characters";
            case "maxLength" -> "must be at most " + holder.path("maxLength").asInt() + " characters";
            case "minItems" -> "needs at least " + count(holder.path("minItems").asInt());
            case "maxItems" -> "may have at most " + count(holder.path("maxItems").asInt());
            case "minProperties" -> "needs at least " + count(holder.path("minProperties").asInt());
            case "uniqueItems" -> "lists the same value twice";
            case "pattern" -> "must match " + holder.path("pattern").asText();
            case "format" -> "must be a valid " + holder.path("format").asText();
            case "not" -> "is not allowed here";
            default -> "breaks the schema's rule '" + keyword + "'";
        };
    }

    private static String range(JsonNode holder) {
        JsonNode min = holder.path("minimum");
        JsonNode max = holder.path("maximum");
        if (min.isNumber() && max.isNumber()) {
            return "must be " + min.asText() + " to " + max.asText();
        }
        return min.isNumber() ? "must be at least " + min.asText() : "must be at most " + max.asText();
    }

    private static String count(int n) {
        return n == 1 ? "1 entry" : n + " entries";
    }

    private static String types(JsonNode type) {
        StringJoiner said = new StringJoiner(" or ");
        List<JsonNode> types = new ArrayList<>();
        if (type.isArray()) {
            type.forEach(types::add);
        } else {
            types.add(type);
        }
        for (JsonNode t : types) {
            switch (t.asText()) {
                case "string" -> said.add("text");
                case "integer" -> said.add("a whole number");
                case "number" -> said.add("a number");
                case "boolean" -> said.add("true or false");
                case "object" -> said.add("an object");
                case "array" -> said.add("a list");
                default -> {
                    // null is how a document leaves a value out: never worth asking for
                }
            }
        }
        return said.length() == 0 ? "empty" : said.toString();
    }

    private static String values(JsonNode values) {
        StringJoiner said = new StringJoiner(", ");
        values.forEach(v -> {
            if (!v.isNull()) {
                said.add(v.asText());
            }
        });
        return said.toString();
    }

    /**
     * The message as the reader sees it: with {@code quoteValues}, led by the field's name (or, in a list, the value)
     * and followed by the value when the message is about it.
     */
    private FieldError said(String pointer, String keyword, String message, JsonNode root, boolean aboutTheValue) {
        if (!quoteValues) {
            return new FieldError(pointer, message);
        }
        String name = pointer.substring(pointer.lastIndexOf('/') + 1);
        JsonNode value = root.at(pointer);
        boolean quotable = value.isValueNode() && !value.isNull() && !value.asText().isBlank()
                && value.asText().length() <= 80;
        if (name.isEmpty()) {
            return new FieldError(pointer, message);
        }
        if (name.chars().allMatch(Character::isDigit)) {
            return new FieldError(pointer, quotable ? quote(value) + " " + message : message);
        }
        String subject = "'" + name.replace("~1", "/").replace("~0", "~") + "' " + message;
        return new FieldError(pointer, quotable && aboutTheValue ? subject + "; got " + quote(value) : subject);
    }

    private static String quote(JsonNode value) {
        return value.isTextual() ? "'" + value.textValue() + "'" : value.asText();
    }

    // ------------------------------------------------------------------ binding what passed

    /** {@code tree} with the value at {@code pointer} made null (list entries keep their places). */
    private static JsonNode withoutValueAt(JsonNode tree, String pointer) {
        if (pointer.isEmpty()) {
            return com.fasterxml.jackson.databind.node.NullNode.getInstance();
        }
        JsonPointer at = JsonPointer.compile(pointer);
        JsonNode parent = tree.at(at.head());
        String last = at.last().getMatchingProperty();
        if (parent instanceof ObjectNode object && object.has(last)) {
            object.putNull(last);
        } else if (parent instanceof ArrayNode array && at.last().getMatchingIndex() >= 0
                && at.last().getMatchingIndex() < array.size()) {
            array.set(at.last().getMatchingIndex(), com.fasterxml.jackson.databind.node.NullNode.getInstance());
        }
        return tree;
    }

    /** Leaves out (as null) a value Jackson cannot hold, and says so at its pointer. */
    private static final class LeaveOut extends DeserializationProblemHandler {
        private final String at;
        private final List<FieldError> errors;

        LeaveOut(String at, List<FieldError> errors) {
            this.at = at;
            this.errors = errors;
        }

        private Object leaveOut(DeserializationContext context, String what) {
            JsonParser parser = context.getParser();
            errors.add(new FieldError(at + parser.getParsingContext().pathAsPointer(), "is not a valid " + what));
            return null;
        }

        @Override
        public Object handleWeirdStringValue(DeserializationContext context, Class<?> target, String value,
                String failureMsg) {
            return leaveOut(context, target.getSimpleName());
        }

        @Override
        public Object handleWeirdNumberValue(DeserializationContext context, Class<?> target, Number value,
                String failureMsg) {
            return leaveOut(context, target.getSimpleName());
        }

        @Override
        public Object handleUnexpectedToken(DeserializationContext context, JavaType target, JsonToken token,
                JsonParser parser, String failureMsg) throws IOException {
            parser.skipChildren();
            return leaveOut(context, target.getRawClass().getSimpleName());
        }
    }

}

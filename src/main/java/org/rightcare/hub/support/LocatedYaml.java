package org.rightcare.hub.support;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

/**
 * Reads a YAML configuration file into a Jackson tree and remembers the line each value came from, so that whoever
 * checks the tree can report {@code file:line: reason (pointer)} for every problem it finds. Values are addressed by
 * JSON pointer (RFC 6901), the same addressing the admin API uses for a JSON body, so one set of rules serves both.
 *
 * <p>
 * Scalars are read as YAML 1.2 would, not as YAML 1.1 does: only {@code true} and {@code false} are booleans and
 * only plain decimal numbers are numbers; everything else stays text, exactly as written. So {@code NO}, {@code yes},
 * {@code 0121} (octal in YAML 1.1) and {@code 18:30} (base 60) reach the rules as the text the engineer typed.
 * Anchors and aliases ({@code &name}, {@code *name}) work for mappings and lists (Jackson's parser drops anchors on
 * single values); a file holds one document.
 */
public final class LocatedYaml {

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern DECIMAL_INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
    private static final Pattern DECIMAL_FRACTION = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

    private LocatedYaml() {
    }

    /** A parsed file: its tree, and the line where each value (or, for a mapping entry, its key) starts. */
    public record Document(String file, JsonNode root, Map<String, Integer> lines) {

        /** The line of the value at {@code pointer}, or of its nearest ancestor that exists (for a missing field). */
        public int lineOf(String pointer) {
            String current = pointer;
            while (true) {
                Integer line = lines.get(current);
                if (line != null) {
                    return line;
                }
                if (current.isEmpty()) {
                    return 1;
                }
                current = current.substring(0, current.lastIndexOf('/'));
            }
        }

        public ConfigProblem problem(String pointer, String reason) {
            return new ConfigProblem(file, lineOf(pointer), pointer, reason);
        }

        /** Problems found by rules that address the tree by pointer, placed at their lines, in file order. */
        public List<ConfigProblem> locate(List<FieldError> errors) {
            return errors.stream()
                    .map(e -> problem(e.pointer(), e.detail()))
                    .sorted(java.util.Comparator.comparingInt(ConfigProblem::line))
                    .toList();
        }
    }

    /**
     * @param file the name reported in problems (a path or a classpath resource name)
     * @throws InvalidConfigurationException when the text is not YAML, has a key twice in one mapping, uses an alias
     *             that was never anchored, or holds more than one document
     */
    public static Document parse(String file, String text) {
        Reader reader = new Reader(file);
        try (YAMLParser parser = YAML.createParser(text)) {
            reader.parser = parser;
            JsonToken first = parser.nextToken();
            JsonNode root = first == null ? NODES.nullNode() : reader.value(first, "", lineOf(parser));
            if (first != null && parser.nextToken() != null) {
                reader.problems.add(new ConfigProblem(file, lineOf(parser), "",
                        "only one YAML document is allowed per file; remove this '---' and what follows"));
            }
            if (!reader.problems.isEmpty()) {
                throw new InvalidConfigurationException(reader.problems);
            }
            return new Document(file, root, Map.copyOf(reader.lines));
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            int line = location == null || location.getLineNr() < 1 ? 1 : location.getLineNr();
            String message = e.getOriginalMessage() == null ? "not valid YAML" : e.getOriginalMessage().lines()
                    .findFirst().orElse("not valid YAML");
            List<ConfigProblem> problems = new ArrayList<>(reader.problems);
            problems.add(new ConfigProblem(file, line, "", "not valid YAML: " + message));
            throw new InvalidConfigurationException(problems);
        } catch (IOException e) {
            throw new IllegalStateException("Reading YAML from a string cannot fail with I/O", e);
        }
    }

    /** RFC 6901: '~' and '/' in a key are escaped so that the pointer still splits on '/'. */
    public static String pointerSegment(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static int lineOf(YAMLParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }

    /** Builds the tree from the token stream, recording lines and resolving aliases. */
    private static final class Reader {
        private final String file;
        private final Map<String, Integer> lines = new HashMap<>();
        private final Map<String, JsonNode> anchors = new HashMap<>();
        private final List<ConfigProblem> problems = new ArrayList<>();
        private YAMLParser parser;

        Reader(String file) {
            this.file = file;
        }

        JsonNode value(JsonToken token, String pointer, int line) throws IOException {
            lines.putIfAbsent(pointer, line);
            String anchor = parser.getCurrentAnchor();
            JsonNode node;
            if (token == JsonToken.START_OBJECT) {
                node = mapping(pointer);
            } else if (token == JsonToken.START_ARRAY) {
                node = sequence(pointer);
            } else if (parser.isCurrentAlias()) {
                JsonNode anchored = anchors.get(parser.getText());
                if (anchored == null) {
                    problems.add(new ConfigProblem(file, line, pointer,
                            "alias *" + parser.getText() + " has no anchor &" + parser.getText()
                                    + " above it (anchors work on mappings and lists, not on single values)"));
                    return NODES.nullNode();
                }
                return anchored.deepCopy();
            } else {
                node = scalar(token);
            }
            if (anchor != null) {
                anchors.put(anchor, node);
            }
            return node;
        }

        private ObjectNode mapping(String pointer) throws IOException {
            ObjectNode object = NODES.objectNode();
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
                String key = parser.currentName();
                int keyLine = lineOf(parser);
                String child = pointer + "/" + pointerSegment(key);
                JsonNode value = value(parser.nextToken(), child, keyLine);
                if (object.has(key)) {
                    problems.add(new ConfigProblem(file, keyLine, child,
                            "'" + key + "' is given twice in the same mapping (first at line " + lines.get(child) + ")"));
                } else {
                    object.set(key, value);
                }
            }
            return object;
        }

        private ArrayNode sequence(String pointer) throws IOException {
            ArrayNode array = NODES.arrayNode();
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                array.add(value(token, pointer + "/" + array.size(), lineOf(parser)));
            }
            return array;
        }

        private JsonNode scalar(JsonToken token) throws IOException {
            String text = parser.getText();
            switch (token) {
                case VALUE_NULL:
                    return NODES.nullNode();
                case VALUE_TRUE:
                case VALUE_FALSE:
                    return text.equals("true") || text.equals("false") ? NODES.booleanNode(text.equals("true"))
                            : NODES.textNode(text);
                case VALUE_NUMBER_INT:
                case VALUE_NUMBER_FLOAT:
                    if (DECIMAL_INTEGER.matcher(text).matches()) {
                        BigInteger value = new BigInteger(text);
                        return value.bitLength() < 32 ? NODES.numberNode(value.intValue())
                                : value.bitLength() < 64 ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
                    }
                    return DECIMAL_FRACTION.matcher(text).matches() ? NODES.numberNode(new BigDecimal(text))
                            : NODES.textNode(text);
                default:
                    return NODES.textNode(text);
            }
        }
    }
}

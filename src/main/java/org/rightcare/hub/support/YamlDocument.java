package org.rightcare.hub.support;

import java.io.CharArrayReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.DocumentStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.networknt.schema.InputFormat;
import com.networknt.schema.serialization.NodeReader;
import com.networknt.schema.utils.JsonNodes;

/**
 * A YAML file that ICB engineers keep in git (the service directory, the routing policy), read into a Jackson tree
 * whose every node knows its line, so whoever checks the tree reports {@code file:line: reason (pointer)}. Values are
 * addressed by JSON pointer (RFC 6901), as in a JSON body, so one schema and one set of rules serve both.
 *
 * <p>
 * The tree comes from json-schema-validator's location-aware reader; the YAML parser under it is Jackson's, set to read
 * what the engineer wrote and nothing else: plain scalars as YAML 1.2 reads them (only {@code true} and {@code false}
 * are booleans and only plain decimal numbers are numbers, so {@code NO}, {@code 0121} and {@code 0x1F} stay text, as
 * editors show them), anchors and aliases expanded (Jackson alone would read {@code *trust} as the text "trust"), a
 * key given twice and a second document refused.
 */
public record YamlDocument(String file, JsonNode root) {

    /** How many values aliases may expand to in one file: far above any real file, far below a "billion laughs". */
    private static final int MAX_EXPANDED_EVENTS = 100_000;

    private static final NodeReader READER = NodeReader.builder().locationAware()
            .yamlMapper(YAMLMapper.builder(new Yaml12Factory())
                    .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
                    .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .build())
            .build();

    /**
     * @param file the name reported in problems (a path or a classpath resource name)
     * @throws InvalidConfigurationException when the text is not YAML, gives a key twice in one mapping, uses an alias
     *         that was never anchored, or holds more than one document
     */
    public static YamlDocument parse(String file, String text) {
        try {
            JsonNode root = READER.readTree(text, InputFormat.YAML);
            return new YamlDocument(file, root == null || root.isMissingNode() ? NullNode.getInstance() : root);
        } catch (IllegalArgumentException e) {
            // The schema library wraps what the parser refused.
            if (!(e.getCause() instanceof StreamReadException refused)) {
                throw e;
            }
            JsonLocation location = refused.getLocation();
            int line = location == null || location.getLineNr() < 1 ? 1 : location.getLineNr();
            String message = refused.getOriginalMessage() == null ? ""
                    : refused.getOriginalMessage().lines().findFirst().orElse("");
            throw new InvalidConfigurationException(List.of(new ConfigProblem(file, line, "",
                    message.startsWith(Yaml12Parser.OWN) ? message.substring(Yaml12Parser.OWN.length())
                            : "not valid YAML: " + message)));
        } catch (IOException e) {
            throw new IllegalStateException("Reading YAML from a string cannot fail with I/O", e);
        }
    }

    /** The line of the value at {@code pointer}, or of its nearest ancestor that exists (for a missing field). */
    public int lineOf(String pointer) {
        JsonPointer at = JsonPointer.compile(pointer);
        while (true) {
            JsonNode node = root.at(at);
            JsonLocation location = node.isMissingNode() ? null : JsonNodes.tokenStreamLocationOf(node);
            if (location != null && location.getLineNr() > 0) {
                return location.getLineNr();
            }
            if (at.matches()) {
                return 1;
            }
            at = at.head();
        }
    }

    public ConfigProblem problem(String pointer, String reason) {
        return new ConfigProblem(file, lineOf(pointer), pointer, reason);
    }

    /** Problems found by rules that address the tree by pointer, placed at their lines, in file order. */
    public List<ConfigProblem> locate(List<FieldError> errors) {
        return errors.stream().map(e -> problem(e.pointer(), e.detail()))
                .sorted(Comparator.comparingInt(ConfigProblem::line)).toList();
    }

    /** RFC 6901: '~' and '/' in a key are escaped so that the pointer still splits on '/'. */
    public static String pointerSegment(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    /** Makes {@link Yaml12Parser}s, whatever the input (the schema library reads from a String). */
    private static final class Yaml12Factory extends YAMLFactory {
        private static final long serialVersionUID = 1L;

        @Override
        protected YAMLParser _createParser(InputStream in, IOContext ctxt) throws IOException {
            return _createParser(_createReader(in, null, ctxt), ctxt);
        }

        @Override
        protected YAMLParser _createParser(Reader r, IOContext ctxt) {
            return new Yaml12Parser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, r);
        }

        @Override
        protected YAMLParser _createParser(char[] data, int offset, int len, IOContext ctxt, boolean recyclable) {
            return _createParser(new CharArrayReader(data, offset, len), ctxt);
        }

        @Override
        protected YAMLParser _createParser(byte[] data, int offset, int len, IOContext ctxt) throws IOException {
            return _createParser(_createReader(data, offset, len, null, ctxt), ctxt);
        }
    }

    /**
     * Jackson's YAML parser reads plain scalars as YAML 1.1 did ({@code 0121} is octal 81) and passes an alias on as
     * its anchor's name. This one keeps such scalars as text, replays the events of an anchored value where an alias
     * names it (the hook Jackson provides for this, {@link #getEvent}), and refuses a key given twice in one mapping
     * and a second document. It also places a mapping's value at its key, the line an engineer looks for
     * ({@code hours:}, not the first line under it).
     */
    private static final class Yaml12Parser extends YAMLParser {
        /** Marks this parser's own refusals, which are not YAML syntax errors. */
        static final String OWN = "hub: ";
        private static final Pattern DECIMAL_INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
        private static final Pattern DECIMAL_FRACTION = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

        private final Map<String, List<Event>> anchored = new HashMap<>();
        private final List<Recording> recordings = new ArrayList<>();
        private final Deque<Event> replay = new ArrayDeque<>();
        private int documents;
        private int expanded;
        private JsonLocation keyLocation;
        private JsonLocation valueLocation;
        /** The keys of each mapping open at this point, with the line each was first given at. */
        private final Deque<Map<String, Integer>> keys = new ArrayDeque<>();

        /** The events of one anchored value, recorded until the value ends. */
        private record Recording(String anchor, List<Event> events, int[] depth) {
        }

        Yaml12Parser(IOContext ctxt, int parserFeatures, int formatFeatures,
                org.yaml.snakeyaml.LoaderOptions loaderOptions, com.fasterxml.jackson.core.ObjectCodec codec,
                Reader reader) {
            super(ctxt, parserFeatures, formatFeatures, loaderOptions, codec, reader);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken token = super.nextToken();
            if (token == JsonToken.START_OBJECT) {
                keys.push(new HashMap<>());
            } else if (token == JsonToken.END_OBJECT) {
                keys.pop();
            }
            if (token == JsonToken.FIELD_NAME) {
                keyLocation = super.currentTokenLocation();
                valueLocation = null;
                Integer first = keys.peek().putIfAbsent(currentName(), keyLocation.getLineNr());
                if (first != null) {
                    throw new JsonParseException(this, OWN + "'" + currentName()
                            + "' is given twice in the same mapping (first at line " + first + ")", keyLocation);
                }
            } else {
                valueLocation = keyLocation;
                keyLocation = null;
            }
            return token;
        }

        @Override
        public JsonLocation currentTokenLocation() {
            return valueLocation != null ? valueLocation : super.currentTokenLocation();
        }

        @Override
        protected Event getEvent() throws IOException {
            Event event = replay.isEmpty() ? super.getEvent() : replay.poll();
            if (event instanceof DocumentStartEvent && ++documents > 1) {
                throw refusal("only one YAML document is allowed per file; remove this '---' and what follows", event);
            }
            if (event instanceof AliasEvent alias) {
                List<Event> events = anchored.get(alias.getAnchor());
                if (events == null) {
                    throw refusal("alias *" + alias.getAnchor() + " has no anchor &" + alias.getAnchor() + " above it",
                            event);
                }
                expanded += events.size();
                if (expanded > MAX_EXPANDED_EVENTS) {
                    throw refusal("aliases expand to more than " + MAX_EXPANDED_EVENTS + " values", event);
                }
                for (int i = events.size() - 1; i >= 0; i--) {
                    replay.push(events.get(i));
                }
                event = replay.poll();
            }
            record(event);
            return event;
        }

        private void record(Event event) {
            if (event instanceof NodeEvent node && node.getAnchor() != null && !(event instanceof AliasEvent)) {
                recordings.add(new Recording(node.getAnchor(), new ArrayList<>(), new int[1]));
            }
            for (Iterator<Recording> open = recordings.iterator(); open.hasNext();) {
                Recording recording = open.next();
                recording.events().add(event);
                if (event instanceof CollectionStartEvent) {
                    recording.depth()[0]++;
                } else if (event instanceof CollectionEndEvent) {
                    recording.depth()[0]--;
                }
                if (recording.depth()[0] == 0) {
                    anchored.put(recording.anchor(), List.copyOf(recording.events()));
                    open.remove();
                }
            }
        }

        private JsonParseException refusal(String reason, Event event) {
            return new JsonParseException(this, OWN + reason, _locationFor(event.getStartMark()));
        }

        @Override
        protected JsonToken _decodeScalar(ScalarEvent scalar) throws IOException {
            JsonToken token = super._decodeScalar(scalar);
            if (!scalar.isPlain()) {
                return token;
            }
            String text = scalar.getValue();
            boolean asYaml12 = switch (token) {
                case VALUE_TRUE, VALUE_FALSE -> text.equals("true") || text.equals("false");
                case VALUE_NUMBER_INT -> DECIMAL_INTEGER.matcher(text).matches();
                case VALUE_NUMBER_FLOAT -> DECIMAL_FRACTION.matcher(text).matches();
                default -> true;
            };
            if (asYaml12) {
                return token;
            }
            _textValue = text;
            _cleanedTextValue = null;
            return JsonToken.VALUE_STRING;
        }
    }
}

package org.rightcare.hub.intake;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.rightcare.hub.support.FieldError;
import org.rightcare.hub.support.YamlDocument;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Reads a webhook body as JSON only if everything in it can be stored, rendered and read back: the bytes must be UTF-8
 * (decoded strictly, so overlong forms and code points above U+10FFFF are refused, not replaced), the text within
 * Jackson's read limits (nesting, number and string lengths), and every value one that PostgreSQL's jsonb, java.time,
 * HAPI (JSON and XML) and the hub's own records hold as written: no NUL or other control character XML cannot carry,
 * no unpaired surrogate, no number beyond a double's range, in any field, known or not. The first two are a malformed body
 * (400); the last a value the hub refuses at its JSON
 * pointer (422).
 */
final class StrictJson {

    /** Far beyond any value of the contract, short enough that no number costs anything to read. */
    static final int MAX_NUMBER_LENGTH = 64;
    static final int MAX_NESTING_DEPTH = 32;

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxStringLength(256 * 1024)
                    .build())
            .build())
            // Duplicate keys would let two readers of the same bytes see two different events.
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            // Numbers are kept as written, so one a double cannot hold is seen (and refused) rather than made infinite.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final BigDecimal LARGEST = new BigDecimal(Double.MAX_VALUE);
    private static final BigDecimal SMALLEST = new BigDecimal(Double.MIN_NORMAL);

    /** The body is not JSON the hub can read: answered 400. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    private StrictJson() {
    }

    /** The body as a tree; never null or missing. */
    static JsonNode read(byte[] body) throws Malformed {
        String text = decode(body);
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new Malformed(describe(e));
        }
        if (root == null || root.isMissingNode()) {
            throw new Malformed("The body is empty");
        }
        return root;
    }

    /** Every value in {@code root} that the hub could not store or render as written, by JSON pointer. */
    static List<FieldError> unholdable(JsonNode root) {
        List<FieldError> errors = new ArrayList<>();
        walk(root, "", errors);
        return errors;
    }

    private static String decode(byte[] body) throws Malformed {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        try {
            CharBuffer chars = utf8.decode(in);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new Malformed("The body is not valid UTF-8 (near byte " + in.position() + ")");
        }
    }

    private static void walk(JsonNode node, String pointer, List<FieldError> errors) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                String at = pointer + "/" + YamlDocument.pointerSegment(field.getKey());
                String nameProblem = textProblem(field.getKey());
                if (nameProblem != null) {
                    errors.add(new FieldError(at, "has a name that " + nameProblem));
                }
                walk(field.getValue(), at, errors);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), pointer + "/" + i, errors);
            }
        } else if (node.isTextual()) {
            String problem = textProblem(node.textValue());
            if (problem != null) {
                errors.add(new FieldError(pointer, problem));
            }
        } else if (node.isNumber() && !holdable(node.decimalValue())) {
            errors.add(new FieldError(pointer, "is a number out of range (at most about 1.8e308 in size, and "
                    + "zero or at least about 2.2e-308)"));
        }
    }

    /** Why the text cannot be stored as written (PostgreSQL refuses NUL, and any text with a lone surrogate), or null. */
    private static String textProblem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return "contains the NUL character (\\u0000)";
            }
            // XML 1.0, and so FHIR XML, cannot carry the other C0 controls (tab, line feed and return aside) or the
            // noncharacters U+FFFE and U+FFFF: a provider reading XML could not be sent this text.
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == '\ufffe' || c == '\uffff') {
                return String.format("contains the control character U+%04X, which FHIR XML cannot carry", (int) c);
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "contains an unpaired surrogate (not Unicode text)";
            }
            if (Character.isLowSurrogate(c)) {
                return "contains an unpaired surrogate (not Unicode text)";
            }
        }
        return null;
    }

    /** Finite as a double and not so small that it underflows (PostgreSQL's numeric and a double both hold it). */
    private static boolean holdable(BigDecimal value) {
        if (value.signum() == 0) {
            return true;
        }
        BigDecimal size = value.abs();
        return size.compareTo(LARGEST) <= 0 && size.compareTo(SMALLEST) >= 0;
    }

    private static String describe(IOException e) {
        String message = e.getMessage() == null ? "unreadable JSON" : e.getMessage();
        int cut = message.indexOf("\n at [Source");
        String first = (cut > 0 ? message.substring(0, cut) : message).lines().findFirst().orElse(message);
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null) {
            return first + " (line " + jpe.getLocation().getLineNr() + ", column " + jpe.getLocation().getColumnNr() + ")";
        }
        return first;
    }
}

package org.rightcare.hub.support;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.networknt.schema.regex.JoniRegularExpressionFactory;
import com.networknt.schema.regex.RegularExpression;

/**
 * Decides quickly, from the schema document itself, that a document is valid, and says so only when it is certain:
 * whatever it cannot decide (a keyword it does not know, a number that may or may not be an integer, a format value
 * outside the canonical forms) is left to the validator, which also says what is wrong with a document that is not.
 * Most documents the hub reads are valid, and the validator spent most of its time on them keeping the paths and
 * results it reports (3.5 % of the hub's CPU at 150 incidents/s, checking CAD events).
 *
 * <p>
 * Patterns are evaluated by the validator's own ECMA-262 engine (joni), lengths in code points, {@code date-time} and
 * {@code date} only in the canonical forms {@link CanonicalTimes} reads, and {@code uri} only for plain absolute URLs.
 */
final class CertainlyValid {

    /** What a subschema says of a value. */
    enum Verdict {
        VALID,
        INVALID,
        UNSURE;

        Verdict and(Verdict other) {
            if (this == INVALID || other == INVALID) {
                return INVALID;
            }
            return this == UNSURE || other == UNSURE ? UNSURE : VALID;
        }
    }

    /** A compiled subschema or keyword. */
    @FunctionalInterface
    interface Rule {
        Verdict of(JsonNode value);
    }

    /** Keywords that say nothing of validity. */
    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "$comment", "$defs", "title",
            "description", "examples", "default", "deprecated", "errorMessage");
    /** A plain absolute URL: java.net.URI reads it as absolute, it is ASCII, and its query has no bracket. */
    private static final Pattern PLAIN_URL = Pattern.compile(
            "[A-Za-z][A-Za-z0-9+.-]*://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~!$&'()*+,;=:@/-]*)?"
                    + "(\\?[A-Za-z0-9._~!$&'()*+,;=:@/?-]*)?");

    private final JsonNode document;
    private final Map<String, Rule> byPointer = new HashMap<>();
    private final Rule root;

    /**
     * @param document the whole schema document, against which {@code $ref}s resolve
     * @param pointer the subschema that documents are checked against, as a JSON pointer into it ("" for all of it)
     */
    CertainlyValid(JsonNode document, String pointer) {
        this.document = document;
        this.root = reference(pointer);
    }

    Verdict of(JsonNode value) {
        return root.of(value);
    }

    /** The subschema at a pointer, compiled once; a reference to it from within itself is followed when checking. */
    private Rule reference(String pointer) {
        Rule known = byPointer.get(pointer);
        if (known != null) {
            return known;
        }
        Rule[] compiled = new Rule[1];
        byPointer.put(pointer, value -> compiled[0].of(value));
        JsonNode subschema = document.at(pointer);
        compiled[0] = subschema.isMissingNode() ? value -> Verdict.UNSURE : compile(subschema);
        byPointer.put(pointer, compiled[0]);
        return compiled[0];
    }

    private Rule compile(JsonNode schema) {
        if (schema.isBoolean()) {
            Verdict verdict = schema.booleanValue() ? Verdict.VALID : Verdict.INVALID;
            return value -> verdict;
        }
        if (!schema.isObject()) {
            return value -> Verdict.UNSURE;
        }
        List<Rule> rules = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = schema.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String keyword = field.getKey();
            if (ANNOTATIONS.contains(keyword) || "then".equals(keyword) || "else".equals(keyword)) {
                continue;
            }
            rules.add(keyword(keyword, field.getValue(), schema));
        }
        return allOf(rules);
    }

    private Rule keyword(String keyword, JsonNode argument, JsonNode schema) {
        return switch (keyword) {
            case "type" -> type(argument);
            case "enum" -> oneOfValues(argument);
            case "const" -> oneOfValues(JsonNodeFactory.instance.arrayNode().add(argument));
            case "required" -> required(argument);
            case "properties" -> properties(argument);
            case "$ref" -> argument.isTextual() && argument.textValue().startsWith("#")
                    ? reference(argument.textValue().substring(1))
                    : value -> Verdict.UNSURE;
            case "pattern" -> pattern(argument.asText());
            case "maxLength" -> text(text -> text.codePointCount(0, text.length()) <= argument.asInt());
            case "minLength" -> text(text -> text.codePointCount(0, text.length()) >= argument.asInt());
            case "minimum" -> number(n -> n.compareTo(argument.decimalValue()) >= 0, argument);
            case "maximum" -> number(n -> n.compareTo(argument.decimalValue()) <= 0, argument);
            case "maxItems" -> value -> !value.isArray() || value.size() <= argument.asInt() ? Verdict.VALID
                    : Verdict.INVALID;
            case "minItems" -> value -> !value.isArray() || value.size() >= argument.asInt() ? Verdict.VALID
                    : Verdict.INVALID;
            case "items" -> items(argument);
            case "allOf" -> allOf(compileEach(argument));
            case "anyOf" -> anyOf(compileEach(argument));
            case "oneOf" -> oneOf(compileEach(argument));
            case "not" -> not(compile(argument));
            case "if" -> ifThenElse(compile(argument), schema.has("then") ? compile(schema.get("then")) : null,
                    schema.has("else") ? compile(schema.get("else")) : null);
            case "format" -> format(argument.asText());
            default -> value -> Verdict.UNSURE;
        };
    }

    private static Rule type(JsonNode argument) {
        List<String> types = new ArrayList<>();
        if (argument.isArray()) {
            argument.forEach(type -> types.add(type.asText()));
        } else {
            types.add(argument.asText());
        }
        return value -> {
            Verdict verdict = Verdict.INVALID;
            for (String type : types) {
                Verdict matches = switch (type) {
                    case "string" -> of(value.isTextual());
                    case "object" -> of(value.isObject());
                    case "array" -> of(value.isArray());
                    case "boolean" -> of(value.isBoolean());
                    case "null" -> of(value.isNull());
                    case "number" -> of(value.isNumber());
                    // A number written with a fraction of zero (2.0) is for the validator's own rules to decide.
                    case "integer" -> value.isIntegralNumber() ? Verdict.VALID
                            : value.isNumber() ? Verdict.UNSURE : Verdict.INVALID;
                    default -> Verdict.UNSURE;
                };
                if (matches == Verdict.VALID) {
                    return Verdict.VALID;
                }
                if (matches == Verdict.UNSURE) {
                    verdict = Verdict.UNSURE;
                }
            }
            return verdict;
        };
    }

    /** Text, null and booleans compare as written; numbers (1 and 1.0) are the validator's to compare. */
    private static Rule oneOfValues(JsonNode values) {
        List<JsonNode> allowed = new ArrayList<>();
        values.forEach(allowed::add);
        return value -> {
            if (value.isNumber() || value.isContainerNode()) {
                return Verdict.UNSURE;
            }
            return of(allowed.contains(value));
        };
    }

    private static Rule required(JsonNode names) {
        List<String> required = new ArrayList<>();
        names.forEach(name -> required.add(name.asText()));
        return value -> {
            if (!value.isObject()) {
                return Verdict.VALID;
            }
            for (String name : required) {
                if (!value.has(name)) {
                    return Verdict.INVALID;
                }
            }
            return Verdict.VALID;
        };
    }

    private Rule properties(JsonNode properties) {
        Map<String, Rule> rules = new HashMap<>();
        properties.fields().forEachRemaining(field -> rules.put(field.getKey(), compile(field.getValue())));
        return value -> {
            if (!value.isObject()) {
                return Verdict.VALID;
            }
            Verdict verdict = Verdict.VALID;
            for (Map.Entry<String, Rule> rule : rules.entrySet()) {
                JsonNode property = value.get(rule.getKey());
                if (property != null) {
                    verdict = verdict.and(rule.getValue().of(property));
                    if (verdict == Verdict.INVALID) {
                        return verdict;
                    }
                }
            }
            return verdict;
        };
    }

    private static Rule pattern(String pattern) {
        RegularExpression expression = JoniRegularExpressionFactory.getInstance().getRegularExpression(pattern);
        return value -> !value.isTextual() ? Verdict.VALID : of(expression.matches(value.textValue()));
    }

    private static Rule text(Predicate<String> holds) {
        return value -> !value.isTextual() ? Verdict.VALID : of(holds.test(value.textValue()));
    }

    private static Rule number(Predicate<BigDecimal> holds, JsonNode bound) {
        if (!bound.isNumber()) {
            return value -> Verdict.UNSURE;
        }
        return value -> !value.isNumber() ? Verdict.VALID : of(holds.test(value.decimalValue()));
    }

    private Rule items(JsonNode schema) {
        if (!schema.isObject() && !schema.isBoolean()) {
            return value -> Verdict.UNSURE;
        }
        Rule each = compile(schema);
        return value -> {
            if (!value.isArray()) {
                return Verdict.VALID;
            }
            Verdict verdict = Verdict.VALID;
            for (JsonNode item : value) {
                verdict = verdict.and(each.of(item));
                if (verdict == Verdict.INVALID) {
                    return verdict;
                }
            }
            return verdict;
        };
    }

    private List<Rule> compileEach(JsonNode schemas) {
        List<Rule> rules = new ArrayList<>();
        schemas.forEach(schema -> rules.add(compile(schema)));
        return rules;
    }

    private static Rule allOf(List<Rule> rules) {
        return value -> {
            Verdict verdict = Verdict.VALID;
            for (Rule rule : rules) {
                verdict = verdict.and(rule.of(value));
                if (verdict == Verdict.INVALID) {
                    return verdict;
                }
            }
            return verdict;
        };
    }

    private static Rule anyOf(List<Rule> rules) {
        return value -> {
            Verdict verdict = Verdict.INVALID;
            for (Rule rule : rules) {
                Verdict one = rule.of(value);
                if (one == Verdict.VALID) {
                    return one;
                }
                if (one == Verdict.UNSURE) {
                    verdict = one;
                }
            }
            return verdict;
        };
    }

    private static Rule oneOf(List<Rule> rules) {
        return value -> {
            int valid = 0;
            for (Rule rule : rules) {
                Verdict one = rule.of(value);
                if (one == Verdict.UNSURE) {
                    return one;
                }
                if (one == Verdict.VALID) {
                    valid++;
                }
            }
            return of(valid == 1);
        };
    }

    private static Rule not(Rule rule) {
        return value -> switch (rule.of(value)) {
            case VALID -> Verdict.INVALID;
            case INVALID -> Verdict.VALID;
            case UNSURE -> Verdict.UNSURE;
        };
    }

    private static Rule ifThenElse(Rule condition, Rule then, Rule otherwise) {
        return value -> switch (condition.of(value)) {
            case VALID -> then == null ? Verdict.VALID : then.of(value);
            case INVALID -> otherwise == null ? Verdict.VALID : otherwise.of(value);
            case UNSURE -> Verdict.UNSURE;
        };
    }

    /** Only the canonical forms are certainly valid; any other text is the validator's to judge. */
    private static Rule format(String format) {
        Function<String, Boolean> certainlyValid = switch (format) {
            case "date-time" -> text -> CanonicalTimes.instant(text) != null;
            case "date" -> text -> CanonicalTimes.localDate(text) != null;
            case "uri" -> text -> PLAIN_URL.matcher(text).matches();
            default -> text -> false;
        };
        return value -> !value.isTextual() || certainlyValid.apply(value.textValue()) ? Verdict.VALID
                : Verdict.UNSURE;
    }

    private static Verdict of(boolean holds) {
        return holds ? Verdict.VALID : Verdict.INVALID;
    }
}

package org.rightcare.hub.fhirapi.search;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.hl7.fhir.r4.model.DateTimeType;
import org.rightcare.hub.fhir.HubIdentifiers;

/**
 * A FHIR search as asked in the query string, checked against what {@link SearchableType} declares. A parameter the
 * type does not serve (or a modifier) is refused with 400 unless the client sent {@code Prefer: handling=lenient},
 * in which case it is ignored and named in the result Bundle, as the FHIR search rules describe.
 *
 * @param values each served parameter's values: one entry per repetition (AND), each a list of comma-separated
 *        alternatives (OR)
 * @param ignored the parameters left out under lenient handling
 */
public record SearchRequest(SearchableType type, Map<String, List<List<String>>> values, int count, boolean ascending,
        Set<String> includes, Optional<PageToken> page, List<String> ignored, Map<String, List<String>> asked) {

    /** Result parameters every search takes; {@code _format} and {@code _pretty} are read by the resource. */
    private static final Set<String> RESULT_PARAMETERS = Set.of("_count", "_sort", "_include", "_page", "_format",
            "_pretty");

    private static final Pattern DATE_PREFIX = Pattern.compile("^(eq|gt|ge|lt|le)?(\\d.*)$");

    /** Where the previous page ended: the last match's change time and id. */
    public record PageToken(Instant at, UUID id) {

        public String encode() {
            long micros = at.getEpochSecond() * 1_000_000 + at.getNano() / 1_000;
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((micros + "." + id).getBytes(StandardCharsets.US_ASCII));
        }

        static PageToken decode(String token) throws InvalidSearchException {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII)
                        .split("\\.", 2);
                long micros = Long.parseLong(parts[0]);
                return new PageToken(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000),
                        Math.floorMod(micros, 1_000_000) * 1_000L), UUID.fromString(parts[1]));
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
                throw new InvalidSearchException("INVALID_PAGE_TOKEN",
                        "_page is not a token from this server's next link");
            }
        }
    }

    /** A date search value as bounds: matches lie after {@code after} and before {@code before} (either may be null). */
    record DateBounds(Instant after, Instant before) {
    }

    /** Every repetition of a date parameter together: matches lie after each lower and before each upper bound. */
    public record DateRange(List<Instant> after, List<Instant> before) {
    }

    /** A token value: {@code system|code}, {@code code} (any system) or {@code |code} (no system). */
    public record Token(String system, String code) {

        public boolean matches(String candidateSystem, String candidateCode) {
            return code.equals(candidateCode)
                    && (system == null || system.equals(candidateSystem == null ? "" : candidateSystem));
        }
    }

    /**
     * @param query the decoded query parameters, in order
     * @param lenient whether the client asked for {@code Prefer: handling=lenient}
     */
    public static SearchRequest parse(SearchableType type, Map<String, List<String>> query, boolean lenient)
            throws InvalidSearchException {
        Map<String, List<List<String>>> values = new LinkedHashMap<>();
        List<String> ignored = new ArrayList<>();
        for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
            String name = parameter.getKey();
            if (RESULT_PARAMETERS.contains(name)) {
                continue;
            }
            if (!serves(type, name)) {
                if (lenient) {
                    ignored.add(name);
                    continue;
                }
                throw new InvalidSearchException("UNKNOWN_SEARCH_PARAMETER", type.resourceType()
                        + " cannot be searched by " + name + "; this server supports "
                        + type.parameters().stream().map(SearchParameter::name).toList()
                        + " (send Prefer: handling=lenient to have unknown parameters ignored)");
            }
            for (String value : parameter.getValue()) {
                if (value != null && !value.isBlank()) {
                    values.computeIfAbsent(name, n -> new ArrayList<>()).add(List.of(value.split(",", -1)));
                }
            }
        }
        return new SearchRequest(type, values, count(query), ascending(type, query), includes(type, query),
                page(query), List.copyOf(ignored), query);
    }

    private static boolean serves(SearchableType type, String name) {
        int dot = name.indexOf('.');
        if (dot > 0) {
            return type.parameter(name.substring(0, dot))
                    .filter(p -> name.substring(dot + 1).equals(p.chain())).isPresent();
        }
        return type.parameter(name).isPresent();
    }

    private static int count(Map<String, List<String>> query) throws InvalidSearchException {
        String value = single(query, "_count");
        if (value == null) {
            return SearchableType.DEFAULT_COUNT;
        }
        try {
            int count = Integer.parseInt(value);
            if (count >= 1 && count <= SearchableType.MAX_COUNT) {
                return count;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InvalidSearchException("INVALID_COUNT", "_count must be a whole number from 1 to "
                + SearchableType.MAX_COUNT);
    }

    private static boolean ascending(SearchableType type, Map<String, List<String>> query)
            throws InvalidSearchException {
        String value = single(query, "_sort");
        if (value == null || value.equals("-" + type.sortParameter())) {
            return false;
        }
        if (value.equals(type.sortParameter())) {
            return true;
        }
        throw new InvalidSearchException("UNSUPPORTED_SORT", type.resourceType() + " can be sorted by "
                + type.sortParameter() + " or -" + type.sortParameter() + " only");
    }

    private static Set<String> includes(SearchableType type, Map<String, List<String>> query)
            throws InvalidSearchException {
        List<String> asked = query.getOrDefault("_include", List.of());
        for (String include : asked) {
            if (!type.includes().contains(include)) {
                throw new InvalidSearchException("UNSUPPORTED_INCLUDE", "_include=" + include
                        + " is not supported; use one of " + type.includes());
            }
        }
        return Set.copyOf(asked);
    }

    private static Optional<PageToken> page(Map<String, List<String>> query) throws InvalidSearchException {
        String value = single(query, "_page");
        return value == null ? Optional.empty() : Optional.of(PageToken.decode(value));
    }

    private static String single(Map<String, List<String>> query, String name) throws InvalidSearchException {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new InvalidSearchException("REPEATED_PARAMETER", name + " may be given once");
        }
        return values.get(0);
    }

    /** The AND-ed repetitions of a parameter, each a list of OR-ed values; empty when not asked. */
    public List<List<String>> get(String name) {
        return values.getOrDefault(name, List.of());
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /**
     * The codes asked for a token parameter, as one set: repetitions of a token parameter must all hold, which for
     * a single-valued element means the intersection of their alternatives.
     */
    public Optional<List<Token>> tokens(String name) throws InvalidSearchException {
        List<Token> result = null;
        for (List<String> alternatives : get(name)) {
            List<Token> these = new ArrayList<>();
            for (String alternative : alternatives) {
                these.add(token(name, alternative));
            }
            result = result == null ? these : result.stream().filter(these::contains).toList();
        }
        return Optional.ofNullable(result);
    }

    private static Token token(String name, String value) throws InvalidSearchException {
        int bar = value.indexOf('|');
        String system = bar < 0 ? null : value.substring(0, bar);
        String code = bar < 0 ? value : value.substring(bar + 1);
        if (code.isEmpty()) {
            throw new InvalidSearchException("INVALID_SEARCH_VALUE", name + "=" + value + " names no code");
        }
        return new Token(system, code);
    }

    /** The date parameter's values as exclusive bounds, each repetition one more condition. */
    public DateRange dates(String name) throws InvalidSearchException {
        List<Instant> after = new ArrayList<>();
        List<Instant> before = new ArrayList<>();
        for (List<String> alternatives : get(name)) {
            if (alternatives.size() != 1) {
                throw new InvalidSearchException("INVALID_SEARCH_VALUE", name + " takes one date per repetition");
            }
            DateBounds bounds = date(name, alternatives.get(0));
            Optional.ofNullable(bounds.after()).ifPresent(after::add);
            Optional.ofNullable(bounds.before()).ifPresent(before::add);
        }
        return new DateRange(after, before);
    }

    private static DateBounds date(String name, String value) throws InvalidSearchException {
        Matcher matcher = DATE_PREFIX.matcher(value);
        DateTimeType parsed;
        try {
            if (!matcher.matches()) {
                throw new IllegalArgumentException();
            }
            parsed = new DateTimeType(matcher.group(2));
        } catch (RuntimeException e) {
            throw new InvalidSearchException("INVALID_SEARCH_VALUE", name + "=" + value
                    + " is not a FHIR date search value such as ge2026-11-22T09:00:00Z");
        }
        // The value stands for the whole of its precision: 2026-11-22 is the day, not its first instant.
        Instant start = parsed.getValue().toInstant();
        DateTimeType end = parsed.copy();
        end.add(parsed.getPrecision().getCalendarConstant(), 1);
        Instant next = end.getValue().toInstant();
        Instant justBeforeStart = start.minusNanos(1_000);
        String prefix = matcher.group(1) == null ? "eq" : matcher.group(1);
        return switch (prefix) {
            case "gt" -> new DateBounds(next.minusNanos(1_000), null);
            case "ge" -> new DateBounds(justBeforeStart, null);
            case "lt" -> new DateBounds(null, start);
            case "le" -> new DateBounds(null, next);
            default -> new DateBounds(justBeforeStart, next);
        };
    }

    /** The one value of a parameter that takes exactly one; empty when not asked. */
    public Optional<String> single(String name) throws InvalidSearchException {
        if (!has(name)) {
            return Optional.empty();
        }
        List<List<String>> asked = get(name);
        if (asked.size() != 1 || asked.get(0).size() != 1) {
            throw new InvalidSearchException("INVALID_SEARCH_VALUE", name + " takes one value");
        }
        return Optional.of(asked.get(0).get(0));
    }

    /** {@code patient.identifier}: the one NHS number asked for, in its system or with none; empty when not asked. */
    public Optional<String> nhsNumber() throws InvalidSearchException {
        if (!has("patient.identifier")) {
            return Optional.empty();
        }
        List<Token> tokens = tokens("patient.identifier").orElseThrow();
        if (tokens.size() != 1 || tokens.get(0).system() != null
                && !tokens.get(0).system().equals(HubIdentifiers.NHS_NUMBER)) {
            throw new InvalidSearchException("INVALID_SEARCH_VALUE", "patient.identifier takes one NHS number: "
                    + HubIdentifiers.NHS_NUMBER + "|{number}");
        }
        return Optional.of(tokens.get(0).code());
    }
}

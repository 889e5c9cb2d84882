package org.rightcare.hub.incidents;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.rightcare.hub.directory.Catchment;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.DispatchState;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.support.WallClock;

/**
 * Reads an anonymised CAD export, so an ICB can replay its own history through the what-if simulator. The format is
 * CSV (RFC 4180, UTF-8, comma separated, double quotes around a field that holds a comma) with a header line naming
 * the columns, in any order:
 *
 * <pre>
 * time                    when the call was received: 2026-11-16T08:15:00Z, or a Europe/London wall-clock time
 *                         2026-11-16T08:15 (or with seconds)
 * category                ARP category: C1, C2, C3, C4, C4T, C5, HCP1-4, IFT1-4
 * complaint_code          the presenting complaint as a SNOMED CT concept id, e.g. 1912002 (fall)
 * age                     whole years, 0-130; empty when unknown
 * postcode_district       where the patient was: the outward code only, e.g. ME14 (no full postcodes: anonymised)
 * dispatch_state          clinical-queue, awaiting-dispatch, dispatched, on-scene, conveying or closed
 * outcome                 what the ambulance service did: conveyed, see-and-treat, see-and-refer, hear-and-treat,
 *                         or cancelled; "conveyed" rows count as a conveyance avoided when a service accepts them
 * news2 (optional)        NEWS2 total 0-20; empty when unknown (routing rules with a NEWS2 ceiling then do not match)
 * clinical_frailty_scale (optional)  1-9; empty when unknown
 * </pre>
 *
 * A file with any problem is refused whole, with every problem's line and reason (up to {@value #MAX_PROBLEMS}).
 */
public final class CadCsvImporter {

    public static final List<String> REQUIRED = List.of("time", "category", "complaint_code", "age",
            "postcode_district", "dispatch_state", "outcome");
    public static final List<String> OPTIONAL = List.of("news2", "clinical_frailty_scale");
    public static final Set<String> OUTCOMES = Set.of("conveyed", "see-and-treat", "see-and-refer", "hear-and-treat",
            "cancelled");
    static final int MAX_PROBLEMS = 50;
    static final int MAX_ROWS = 200_000;

    private static final Pattern SNOMED_ID = Pattern.compile("[0-9]{6,18}");

    /** One thing wrong with the file: the 1-based line, and what is wrong there. */
    public record CsvProblem(int line, String reason) {
        @Override
        public String toString() {
            return "line " + line + ": " + reason;
        }
    }

    /** The file was refused; nothing from it is used. */
    public static final class CadCsvRejectedException extends RuntimeException {
        private final List<CsvProblem> problems;

        public CadCsvRejectedException(List<CsvProblem> problems) {
            super(String.join("\n", problems.stream().map(CsvProblem::toString).toList()));
            this.problems = List.copyOf(problems);
        }

        public List<CsvProblem> problems() {
            return problems;
        }
    }

    private CadCsvImporter() {
    }

    /** The incidents of the file in arrival order; throws {@link CadCsvRejectedException} for any problem. */
    public static List<ReplayableIncident> read(byte[] content) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw new CadCsvRejectedException(List.of(new CsvProblem(1, "the file is not UTF-8 text")));
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String[] lines = text.split("\r?\n", -1);
        List<CsvProblem> problems = new ArrayList<>();
        if (lines.length == 0 || lines[0].isBlank()) {
            throw new CadCsvRejectedException(List.of(new CsvProblem(1,
                    "the first line must be the header: " + String.join(",", REQUIRED))));
        }
        Map<String, Integer> columns = header(lines[0], problems);
        if (!problems.isEmpty()) {
            throw new CadCsvRejectedException(problems);
        }
        List<ReplayableIncident> incidents = new ArrayList<>();
        for (int i = 1; i < lines.length && problems.size() < MAX_PROBLEMS; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            if (incidents.size() >= MAX_ROWS) {
                problems.add(new CsvProblem(i + 1, "more than " + MAX_ROWS + " incidents; split the file"));
                break;
            }
            row(i + 1, lines[i], columns, problems).ifPresent(incidents::add);
        }
        if (incidents.isEmpty() && problems.isEmpty()) {
            problems.add(new CsvProblem(2, "the file has a header but no incidents"));
        }
        if (!problems.isEmpty()) {
            throw new CadCsvRejectedException(problems);
        }
        incidents.sort(Comparator.comparing(r -> r.incident().receivedAt()));
        return List.copyOf(incidents);
    }

    private static Map<String, Integer> header(String line, List<CsvProblem> problems) {
        List<String> names = fields(line, 1, problems);
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i).trim().toLowerCase(Locale.ROOT);
            if (!REQUIRED.contains(name) && !OPTIONAL.contains(name)) {
                problems.add(new CsvProblem(1, "unknown column '" + names.get(i) + "'; the columns are "
                        + String.join(", ", REQUIRED) + " and optionally " + String.join(", ", OPTIONAL)));
            } else if (columns.putIfAbsent(name, i) != null) {
                problems.add(new CsvProblem(1, "column '" + name + "' appears twice"));
            }
        }
        for (String required : REQUIRED) {
            if (!columns.containsKey(required)) {
                problems.add(new CsvProblem(1, "the header has no '" + required + "' column"));
            }
        }
        return columns;
    }

    private static Optional<ReplayableIncident> row(int lineNumber, String line, Map<String, Integer> columns,
            List<CsvProblem> problems) {
        int before = problems.size();
        List<String> fields = fields(line, lineNumber, problems);
        if (problems.size() > before) {
            return Optional.empty();
        }
        if (fields.size() != columns.size()) {
            problems.add(new CsvProblem(lineNumber, "has " + fields.size() + " fields; the header has " + columns.size()));
            return Optional.empty();
        }
        Row row = new Row(lineNumber, fields, columns, problems);
        Instant time = row.time();
        ArpCategory category = row.parse("category", ArpCategory::fromCode, "is not an ARP category");
        String complaint = row.text("complaint_code");
        if (complaint != null && !SNOMED_ID.matcher(complaint).matches()) {
            row.problem("complaint_code '" + complaint + "' is not a SNOMED CT concept id (6-18 digits)");
        }
        Integer age = row.integer("age", 0, 130, false);
        String districtText = row.text("postcode_district");
        String district = null;
        if (districtText != null) {
            String upper = districtText.toUpperCase(Locale.ROOT);
            if (upper.contains(" ") || Catchment.districtOf(upper).filter(upper::equals).isEmpty()) {
                row.problem("postcode_district '" + districtText + "' is not a postcode district such as ME14");
            } else {
                district = upper;
            }
        }
        DispatchState state = row.parse("dispatch_state", DispatchState::fromWireValue, "is not a dispatch state");
        String outcome = row.text("outcome");
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            row.problem("outcome '" + outcome + "' is not one of " + String.join(", ", OUTCOMES.stream().sorted().toList()));
        }
        Integer news2 = columns.containsKey("news2") ? row.integer("news2", 0, 20, false) : null;
        Integer frailty = columns.containsKey("clinical_frailty_scale")
                ? row.integer("clinical_frailty_scale", 1, 9, false)
                : null;
        if (problems.size() > before) {
            return Optional.empty();
        }
        Incident incident = new Incident("CSV-" + lineNumber, time, category, state, "999", null,
                new Incident.Coding("http://snomed.info/sct", complaint, null),
                new Incident.Patient(null, null, null, null, age, null, null, null),
                new Incident.IncidentLocation(district, null, null, "Imported CAD record"),
                new Incident.Clinical(news2, frailty, List.of(), null, null), null);
        return Optional.of(new ReplayableIncident(incident, "conveyed".equals(outcome) ? 1.0 : 0.0));
    }

    /** One data line's fields by column name, reporting each problem against its line. */
    private record Row(int line, List<String> fields, Map<String, Integer> columns, List<CsvProblem> problems) {

        void problem(String reason) {
            problems.add(new CsvProblem(line, reason));
        }

        /** The trimmed field, or null (and a problem) when a required field is empty. */
        String text(String column) {
            String value = fields.get(columns.get(column)).trim();
            if (value.isEmpty()) {
                problem(column + " is empty");
                return null;
            }
            return value;
        }

        <T> T parse(String column, java.util.function.Function<String, Optional<T>> parser, String what) {
            String value = text(column);
            if (value == null) {
                return null;
            }
            Optional<T> parsed = parser.apply(value);
            if (parsed.isEmpty()) {
                problem(column + " '" + value + "' " + what);
            }
            return parsed.orElse(null);
        }

        Integer integer(String column, int min, int max, boolean required) {
            String value = fields.get(columns.get(column)).trim();
            if (value.isEmpty()) {
                if (required) {
                    problem(column + " is empty");
                }
                return null;
            }
            try {
                int n = Integer.parseInt(value);
                if (n < min || n > max) {
                    problem(column + " " + n + " is outside " + min + "-" + max);
                    return null;
                }
                return n;
            } catch (NumberFormatException e) {
                problem(column + " '" + value + "' is not a whole number");
                return null;
            }
        }

        Instant time() {
            String value = text("time");
            if (value == null) {
                return null;
            }
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException notOffset) {
                try {
                    return LocalDateTime.parse(value).atZone(WallClock.ZONE).toInstant();
                } catch (DateTimeParseException notLocal) {
                    problem("time '" + value + "' is not a date-time such as 2026-11-16T08:15:00Z or 2026-11-16T08:15");
                    return null;
                }
            }
        }
    }

    /** The fields of one line: RFC 4180 quoting, no line breaks inside a field. */
    static List<String> fields(String line, int lineNumber, List<CsvProblem> problems) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '"' && field.toString().isBlank() && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            problems.add(new CsvProblem(lineNumber, "a quoted field is not closed"));
        }
        fields.add(field.toString());
        return fields;
    }
}

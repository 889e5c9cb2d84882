package org.rightcare.hub.intake;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.cad.CadSystemRegistry;
import org.rightcare.hub.support.FieldError;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.DispatchState;
import org.rightcare.hub.referral.Incident;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Reads a CAD webhook body and checks every rule of contract v1, collecting all broken rules (not just the first)
 * so a CAD integrator can fix a payload in one round. The rules here and {@code cad-event-v1.schema.json} describe
 * the same contract; the schema is what CAD vendors read, this class is what the hub enforces (it also checks what
 * a schema cannot say, such as the NHS number check digit).
 */
@ApplicationScoped
public class CadEventParser {

    /** The body is not JSON at all: answered 400, not 422. */
    public static final class MalformedJsonException extends Exception {
        public MalformedJsonException(String message) {
            super(message);
        }
    }

    /** Either the event or the rules it breaks. */
    public record Result(CadEvent event, List<FieldError> errors) {
        public boolean isValid() {
            return errors.isEmpty();
        }
    }

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:\\-]{0,127}");
    private static final Pattern UK_POSTCODE = Pattern.compile(
            "(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]? ?[0-9][ABD-HJLNP-UW-Z]{2})", Pattern.CASE_INSENSITIVE);
    private static final Set<String> ORIGINS = Set.of("999", "111");
    private static final Set<String> TRIAGE_SYSTEMS = Set.of("pathways", "ampds");
    private static final Set<String> GENDERS = Set.of("male", "female", "other", "unknown");
    private static final int MAX_TEXT = 4000;
    private static final int MAX_SHORT_TEXT = 200;

    // Duplicate keys would let two readers of the same bytes see two different events.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private final CadSystemRegistry cadSystems;

    public CadEventParser(CadSystemRegistry cadSystems) {
        this.cadSystems = cadSystems;
    }

    public Result parse(byte[] body) throws MalformedJsonException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new MalformedJsonException(describe(e));
        }
        if (root == null || root.isMissingNode()) {
            throw new MalformedJsonException("The body is empty");
        }
        Reader r = new Reader();
        if (!root.isObject()) {
            r.error("", "must be a JSON object");
            return new Result(null, r.errors);
        }
        String eventId = r.text(root, "/eventId", true, 128);
        if (eventId != null && !IDENTIFIER.matcher(eventId).matches()) {
            r.error("/eventId", "must be 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
        }
        String eventTypeText = r.text(root, "/eventType", true, MAX_SHORT_TEXT);
        CadEventType eventType = eventTypeText == null ? null
                : CadEventType.fromWireValue(eventTypeText).orElse(null);
        if (eventTypeText != null && eventType == null) {
            r.error("/eventType", "must be one of incident.created, incident.updated, incident.cancelled, incident.closed");
        }
        Instant occurredAt = r.instant(root, "/occurredAt", true);
        String cadSystem = r.text(root, "/cadSystem", true, MAX_SHORT_TEXT);
        URI callbackUrl = callbackUrl(r, root);

        Incident incident = null;
        JsonNode incidentNode = r.object(root, "/incident", true);
        if (incidentNode != null) {
            incident = eventType != null && !eventType.carriesFullIncident()
                    ? new Incident(incidentId(r, incidentNode), null, null, null, null, null, null, null, null, null, null)
                    : incident(r, incidentNode);
        }
        if (!r.errors.isEmpty()) {
            return new Result(null, r.errors);
        }
        return new Result(new CadEvent(eventId, eventType, occurredAt, cadSystem, incident, callbackUrl), List.of());
    }

    private URI callbackUrl(Reader r, JsonNode root) {
        String text = r.text(root, "/callbackUrl", false, 2000);
        if (text == null) {
            return null;
        }
        try {
            URI url = new URI(text);
            if (!url.isAbsolute() || !cadSystems.isAcceptableCallbackUrl(url)) {
                r.error("/callbackUrl", "must be an absolute https URL");
                return null;
            }
            return url;
        } catch (URISyntaxException e) {
            r.error("/callbackUrl", "is not a valid URL");
            return null;
        }
    }

    private static String incidentId(Reader r, JsonNode incident) {
        String id = r.text(incident, "/incident/incidentId", true, 128);
        if (id != null && !IDENTIFIER.matcher(id).matches()) {
            r.error("/incident/incidentId",
                    "must be 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
        }
        return id;
    }

    private static Incident incident(Reader r, JsonNode n) {
        String incidentId = incidentId(r, n);
        Instant receivedAt = r.instant(n, "/incident/receivedAt", true);
        ArpCategory category = r.code(n, "/incident/category", true, ArpCategory::fromCode,
                "must be an ARP category: C1, C2, C3, C4, C5, C4T, HCP1-HCP4 or IFT1-IFT4");
        DispatchState dispatchState = r.code(n, "/incident/dispatchState", true, DispatchState::fromWireValue,
                "must be one of clinical-queue, awaiting-dispatch, dispatched, on-scene, conveying, closed");
        String origin = r.text(n, "/incident/origin", true, 3);
        if (origin != null && !ORIGINS.contains(origin)) {
            r.error("/incident/origin", "must be 999 or 111");
        }
        Incident.Triage triage = triage(r, n);
        Incident.Coding complaint = coding(r, n, "/incident/presentingComplaint");
        Incident.Patient patient = patient(r, n);
        Incident.IncidentLocation location = location(r, n);
        Incident.Clinical clinical = clinical(r, n);
        Incident.Crew crew = crew(r, n, dispatchState);
        return new Incident(incidentId, receivedAt, category, dispatchState, origin, triage, complaint, patient,
                location, clinical, crew);
    }

    private static Incident.Triage triage(Reader r, JsonNode incident) {
        JsonNode n = r.object(incident, "/incident/triage", false);
        if (n == null) {
            return null;
        }
        String system = r.text(n, "/incident/triage/system", true, 20);
        if (system != null && !TRIAGE_SYSTEMS.contains(system)) {
            r.error("/incident/triage/system", "must be pathways or ampds");
        }
        return new Incident.Triage(system,
                r.text(n, "/incident/triage/dispositionCode", false, 20),
                r.text(n, "/incident/triage/symptomGroup", false, 20),
                r.text(n, "/incident/triage/symptomDiscriminator", false, 20),
                r.text(n, "/incident/triage/ampdsDeterminant", false, 20));
    }

    private static Incident.Coding coding(Reader r, JsonNode parent, String pointer) {
        JsonNode n = r.object(parent, pointer, false);
        if (n == null) {
            return null;
        }
        String system = r.text(n, pointer + "/system", true, 500);
        if (system != null && !system.contains(":")) {
            r.error(pointer + "/system", "must be a code system URI, e.g. http://snomed.info/sct");
        }
        return new Incident.Coding(system, r.text(n, pointer + "/code", true, 100),
                r.text(n, pointer + "/display", false, MAX_SHORT_TEXT));
    }

    private static Incident.Patient patient(Reader r, JsonNode incident) {
        JsonNode n = r.object(incident, "/incident/patient", true);
        if (n == null) {
            return null;
        }
        String nhsNumber = r.text(n, "/incident/patient/nhsNumber", false, 20);
        if (nhsNumber != null) {
            nhsNumber = nhsNumber.replace(" ", "");
            if (!NhsNumber.isValid(nhsNumber)) {
                r.error("/incident/patient/nhsNumber", "is not a valid NHS number (10 digits with a modulus 11 check digit)");
            }
        }
        String given = r.text(n, "/incident/patient/givenName", false, MAX_SHORT_TEXT);
        String family = r.text(n, "/incident/patient/familyName", false, MAX_SHORT_TEXT);
        LocalDate birthDate = r.date(n, "/incident/patient/birthDate");
        if (birthDate != null && birthDate.isAfter(LocalDate.now())) {
            r.error("/incident/patient/birthDate", "must not be in the future");
        }
        Integer estimatedAge = r.integer(n, "/incident/patient/estimatedAge", 0, 130);
        String gender = r.text(n, "/incident/patient/gender", false, 10);
        if (gender != null && !GENDERS.contains(gender)) {
            r.error("/incident/patient/gender", "must be male, female, other or unknown");
        }
        String phone = r.text(n, "/incident/patient/phone", false, 40);
        Incident.Address address = address(r, n);
        boolean named = given != null || family != null;
        boolean aged = birthDate != null || estimatedAge != null;
        if (nhsNumber == null && !(named && aged) && !r.hasErrorUnder("/incident/patient/")) {
            r.error("/incident/patient",
                    "needs an NHS number, or a name with a birth date or an estimated age, to identify the patient safely");
        }
        return new Incident.Patient(nhsNumber, given, family, birthDate, estimatedAge, gender, phone, address);
    }

    private static Incident.Address address(Reader r, JsonNode patient) {
        JsonNode n = r.object(patient, "/incident/patient/address", false);
        if (n == null) {
            return null;
        }
        List<String> lines = new ArrayList<>();
        JsonNode linesNode = n.get("lines");
        if (linesNode != null && !linesNode.isNull()) {
            if (!linesNode.isArray()) {
                r.error("/incident/patient/address/lines", "must be an array of strings");
            } else {
                for (int i = 0; i < linesNode.size(); i++) {
                    String line = r.text(linesNode, i, "/incident/patient/address/lines/" + i);
                    if (line != null) {
                        lines.add(line);
                    }
                }
            }
        }
        String postcode = r.text(n, "/incident/patient/address/postcode", false, 10);
        if (postcode != null && !UK_POSTCODE.matcher(postcode.trim()).matches()) {
            r.error("/incident/patient/address/postcode", "is not a UK postcode");
        }
        return new Incident.Address(List.copyOf(lines), r.text(n, "/incident/patient/address/city", false, MAX_SHORT_TEXT),
                postcode == null ? null : normalisePostcode(postcode));
    }

    private static Incident.IncidentLocation location(Reader r, JsonNode incident) {
        JsonNode n = r.object(incident, "/incident/location", true);
        if (n == null) {
            return null;
        }
        String postcode = r.text(n, "/incident/location/postcode", false, 10);
        if (postcode != null && !UK_POSTCODE.matcher(postcode.trim()).matches()) {
            r.error("/incident/location/postcode", "is not a UK postcode");
        }
        BigDecimal latitude = r.decimal(n, "/incident/location/latitude", new BigDecimal(-90), new BigDecimal(90));
        BigDecimal longitude = r.decimal(n, "/incident/location/longitude", new BigDecimal(-180), new BigDecimal(180));
        if ((latitude == null) != (longitude == null) && !r.hasErrorUnder("/incident/location/l")) {
            r.error(latitude == null ? "/incident/location/latitude" : "/incident/location/longitude",
                    "latitude and longitude must be given together");
        }
        if (postcode == null && latitude == null && longitude == null && !r.hasErrorUnder("/incident/location/")) {
            r.error("/incident/location", "needs a postcode or a latitude and longitude: routing is by where the patient is");
        }
        return new Incident.IncidentLocation(postcode == null ? null : normalisePostcode(postcode), latitude, longitude,
                r.text(n, "/incident/location/description", false, MAX_SHORT_TEXT));
    }

    private static Incident.Clinical clinical(Reader r, JsonNode incident) {
        JsonNode n = r.object(incident, "/incident/clinical", false);
        if (n == null) {
            return null;
        }
        Integer news2 = r.integer(n, "/incident/clinical/news2", 0, 20);
        Integer frailty = r.integer(n, "/incident/clinical/clinicalFrailtyScale", 1, 9);
        List<Incident.Observation> observations = new ArrayList<>();
        JsonNode obs = n.get("observations");
        if (obs != null && !obs.isNull()) {
            if (!obs.isArray()) {
                r.error("/incident/clinical/observations", "must be an array");
            } else {
                for (int i = 0; i < obs.size(); i++) {
                    String p = "/incident/clinical/observations/" + i;
                    JsonNode o = obs.get(i);
                    if (!o.isObject()) {
                        r.error(p, "must be an object");
                        continue;
                    }
                    observations.add(new Incident.Observation(r.text(o, p + "/code", true, 100),
                            r.decimal(o, p + "/value", null, null, true), r.text(o, p + "/unit", false, 40),
                            r.instant(o, p + "/takenAt", false)));
                }
            }
        }
        Boolean sceneSafe = r.bool(n, "/incident/clinical/sceneSafe");
        String notes = r.text(n, "/incident/clinical/notes", false, MAX_TEXT);
        return new Incident.Clinical(news2, frailty, List.copyOf(observations), sceneSafe, notes);
    }

    private static Incident.Crew crew(Reader r, JsonNode incident, DispatchState dispatchState) {
        JsonNode n = r.object(incident, "/incident/crew", false);
        if (n == null) {
            return null;
        }
        if (dispatchState != null && dispatchState.isPreDispatch()) {
            r.error("/incident/crew", "is only allowed once the incident is dispatched");
        }
        return new Incident.Crew(r.text(n, "/incident/crew/callSign", true, 40), r.instant(n, "/incident/crew/onSceneAt", false));
    }

    /** Upper case with one space before the inward code, the form the directory's catchments use. */
    static String normalisePostcode(String postcode) {
        String compact = postcode.replace(" ", "").toUpperCase();
        return compact.substring(0, compact.length() - 3) + " " + compact.substring(compact.length() - 3);
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

    /** Typed access to fields that records every rule broken along the way. */
    private static final class Reader {
        final List<FieldError> errors = new ArrayList<>();

        void error(String pointer, String detail) {
            errors.add(new FieldError(pointer, detail));
        }

        boolean hasErrorUnder(String prefix) {
            return errors.stream().anyMatch(e -> e.pointer().startsWith(prefix));
        }

        private static String name(String pointer) {
            return pointer.substring(pointer.lastIndexOf('/') + 1);
        }

        /** The field, or null when absent or JSON null (reporting it when required). */
        private JsonNode field(JsonNode parent, String pointer, boolean required) {
            JsonNode value = parent.get(name(pointer));
            if (value == null || value.isNull()) {
                if (required) {
                    error(pointer, "is required");
                }
                return null;
            }
            return value;
        }

        JsonNode object(JsonNode parent, String pointer, boolean required) {
            JsonNode value = field(parent, pointer, required);
            if (value != null && !value.isObject()) {
                error(pointer, "must be an object");
                return null;
            }
            return value;
        }

        String text(JsonNode parent, String pointer, boolean required, int maxLength) {
            return checkText(field(parent, pointer, required), pointer, required, maxLength);
        }

        String text(JsonNode array, int index, String pointer) {
            return checkText(array.get(index), pointer, true, MAX_SHORT_TEXT);
        }

        private String checkText(JsonNode value, String pointer, boolean required, int maxLength) {
            if (value == null) {
                return null;
            }
            if (!value.isTextual()) {
                error(pointer, "must be a string");
                return null;
            }
            String text = value.textValue();
            if (text.isBlank()) {
                if (required) {
                    error(pointer, "must not be blank");
                }
                return null;
            }
            if (text.length() > maxLength) {
                error(pointer, "must be at most " + maxLength + " characters");
                return null;
            }
            return text;
        }

        <T> T code(JsonNode parent, String pointer, boolean required, Function<String, java.util.Optional<T>> lookup,
                String expected) {
            String text = text(parent, pointer, required, MAX_SHORT_TEXT);
            if (text == null) {
                return null;
            }
            T value = lookup.apply(text).orElse(null);
            if (value == null) {
                error(pointer, expected);
            }
            return value;
        }

        Instant instant(JsonNode parent, String pointer, boolean required) {
            String text = text(parent, pointer, required, 40);
            if (text == null) {
                return null;
            }
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                try {
                    return java.time.OffsetDateTime.parse(text).toInstant();
                } catch (DateTimeParseException again) {
                    error(pointer, "must be an RFC 3339 date-time with a zone, e.g. 2026-11-22T14:03:12Z");
                    return null;
                }
            }
        }

        LocalDate date(JsonNode parent, String pointer) {
            String text = text(parent, pointer, false, 10);
            if (text == null) {
                return null;
            }
            try {
                return LocalDate.parse(text);
            } catch (DateTimeParseException e) {
                error(pointer, "must be a date, e.g. 1938-04-02");
                return null;
            }
        }

        Integer integer(JsonNode parent, String pointer, int min, int max) {
            JsonNode value = field(parent, pointer, false);
            if (value == null) {
                return null;
            }
            if (!value.isIntegralNumber() || value.intValue() < min || value.intValue() > max
                    || !value.canConvertToInt()) {
                error(pointer, "must be a whole number from " + min + " to " + max);
                return null;
            }
            return value.intValue();
        }

        BigDecimal decimal(JsonNode parent, String pointer, BigDecimal min, BigDecimal max) {
            return decimal(parent, pointer, min, max, false);
        }

        BigDecimal decimal(JsonNode parent, String pointer, BigDecimal min, BigDecimal max, boolean required) {
            JsonNode value = field(parent, pointer, required);
            if (value == null) {
                return null;
            }
            if (!value.isNumber()) {
                error(pointer, "must be a number");
                return null;
            }
            BigDecimal number = value.decimalValue();
            if ((min != null && number.compareTo(min) < 0) || (max != null && number.compareTo(max) > 0)) {
                error(pointer, "must be from " + min + " to " + max);
                return null;
            }
            return number;
        }

        Boolean bool(JsonNode parent, String pointer) {
            JsonNode value = field(parent, pointer, false);
            if (value == null) {
                return null;
            }
            if (!value.isBoolean()) {
                error(pointer, "must be true or false");
                return null;
            }
            return value.booleanValue();
        }
    }
}

package org.rightcare.hub.directory;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.support.FieldError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one shape of a service definition, shared by the directory file (an entry under {@code services:}), the admin
 * API (the JSON body of {@code PUT /admin/directory/services/{id}}) and the database (the {@code definition}
 * column). {@link #read} checks every rule and reports each broken one by JSON pointer; {@link #write} gives the
 * canonical form back.
 *
 * <pre>
 * id: ucr-maidstone
 * name: Maidstone Urgent Community Response
 * type: ucr
 * organisation: {odsCode: XWC, name: Wealdshire Community Health NHS Trust}
 * dosServiceId: "2000100001"
 * active: true
 * catchment:
 *   postcodeDistricts: [ME14, ME15]
 *   areas:
 *     - {name: Maidstone town, circle: {latitude: 51.272, longitude: 0.529, radiusKm: 8}}
 * openingHours:
 *   availableTime:
 *     - {daysOfWeek: [mon, tue, wed, thu, fri, sat, sun], start: "08:00", end: "20:00"}
 *   notAvailable:
 *     - {description: Christmas Day, start: 2026-12-25T00:00, end: 2026-12-26T00:00}
 * eligibility:
 *   categories: [C3, C4, C5]
 *   dispatchPhases: [pre-dispatch, post-dispatch]
 *   age: {min: 18}
 *   news2Ceiling: 4
 *   clinicalFrailtyScale: {min: 5}
 *   conditions: [{system: http://snomed.info/sct, code: "1912002", display: Fall}]
 * acceptanceWindowMinutes: 15
 * endpoint: {kind: bars, url: http://localhost:8090/bars/ucr-maidstone}
 * </pre>
 */
public final class ServiceDefinitionFormat {

    /** Lower case letters, digits and dashes: the id is also a FHIR id and a URL path segment. */
    public static final Pattern SERVICE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
    /** ODS codes are upper-case letters and digits: 3 for trusts and ICBs, 5 or 6 for sites and practices. */
    static final Pattern ODS_CODE = Pattern.compile("[A-Z0-9]{3,10}");
    static final Pattern DOS_SERVICE_ID = Pattern.compile("[0-9]{1,12}");
    private static final Pattern TIME = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?");

    static final int MAX_ACCEPTANCE_MINUTES = 240;
    private static final int MAX_NAME = 200;
    private static final double MAX_RADIUS_KM = 200;
    private static final int SECONDS_PER_DAY = 24 * 60 * 60;
    private static final int SECONDS_PER_WEEK = 7 * SECONDS_PER_DAY;

    private static final Map<String, DayOfWeek> DAYS = Map.of("mon", DayOfWeek.MONDAY, "tue", DayOfWeek.TUESDAY,
            "wed", DayOfWeek.WEDNESDAY, "thu", DayOfWeek.THURSDAY, "fri", DayOfWeek.FRIDAY, "sat", DayOfWeek.SATURDAY,
            "sun", DayOfWeek.SUNDAY);

    private static final Set<String> SERVICE_FIELDS = Set.of("id", "name", "type", "organisation", "dosServiceId",
            "active", "catchment", "openingHours", "eligibility", "acceptanceWindowMinutes", "endpoint");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ServiceDefinitionFormat() {
    }

    /** Either the service or every rule its definition breaks. */
    public record Result(Optional<CommunityService> service, List<FieldError> errors) {
        public boolean isValid() {
            return errors.isEmpty();
        }
    }

    /**
     * @param definition a file entry or API body
     * @param pointer where the definition sits in its document ({@code ""} for a body, {@code /services/3} in a file),
     *            so errors point into the document the engineer wrote
     */
    public static Result read(JsonNode definition, String pointer) {
        Rules rules = new Rules();
        CommunityService service = rules.service(definition, pointer);
        return new Result(rules.errors.isEmpty() ? Optional.ofNullable(service) : Optional.empty(),
                List.copyOf(rules.errors));
    }

    /** The canonical definition: what the admin API returns and the database stores. */
    public static ObjectNode write(CommunityService service) {
        ObjectNode node = NODES.objectNode();
        node.put("id", service.id());
        node.put("name", service.name());
        node.put("type", service.type().code());
        node.putObject("organisation").put("odsCode", service.odsCode()).put("name", service.organisationName());
        if (service.dosServiceId() != null) {
            node.put("dosServiceId", service.dosServiceId());
        }
        node.put("active", service.active());
        node.set("catchment", writeCatchment(service.catchment()));
        node.set("openingHours", writeHours(service.openingHours()));
        node.set("eligibility", writeEligibility(service.eligibility()));
        node.put("acceptanceWindowMinutes", service.acceptanceWindow().toMinutes());
        ObjectNode endpoint = node.putObject("endpoint").put("kind", service.endpoint().kind().code());
        if (service.endpoint().url() != null) {
            endpoint.put("url", service.endpoint().url().toString());
        }
        return node;
    }

    private static ObjectNode writeCatchment(Catchment catchment) {
        ObjectNode node = NODES.objectNode();
        ArrayNode districts = node.putArray("postcodeDistricts");
        catchment.postcodeDistricts().forEach(districts::add);
        ArrayNode areas = node.putArray("areas");
        for (Catchment.Area area : catchment.areas()) {
            ObjectNode entry = areas.addObject().put("name", area.name());
            if (area instanceof Catchment.Circle circle) {
                entry.putObject("circle").put("latitude", circle.centre().latitude())
                        .put("longitude", circle.centre().longitude()).put("radiusKm", circle.radiusKm());
            } else if (area instanceof Catchment.Polygon polygon) {
                ArrayNode corners = entry.putArray("polygon");
                polygon.corners().forEach(c -> corners.addObject().put("latitude", c.latitude())
                        .put("longitude", c.longitude()));
            }
        }
        return node;
    }

    private static ObjectNode writeHours(OpeningHours hours) {
        ObjectNode node = NODES.objectNode();
        ArrayNode available = node.putArray("availableTime");
        for (OpeningHours.AvailableTime time : hours.availableTimes()) {
            ObjectNode entry = available.addObject();
            ArrayNode days = entry.putArray("daysOfWeek");
            time.daysOfWeek().stream().sorted().forEach(d -> days.add(dayCode(d)));
            if (time.allDay()) {
                entry.put("allDay", true);
            } else {
                entry.put("start", time.start().toString()).put("end", time.end().toString());
            }
        }
        ArrayNode closures = node.putArray("notAvailable");
        hours.notAvailable().forEach(c -> closures.addObject().put("description", c.description())
                .put("start", c.start().toString()).put("end", c.end().toString()));
        return node;
    }

    private static ObjectNode writeEligibility(Eligibility eligibility) {
        ObjectNode node = NODES.objectNode();
        ArrayNode categories = node.putArray("categories");
        eligibility.categories().stream().sorted().forEach(c -> categories.add(c.code()));
        ArrayNode phases = node.putArray("dispatchPhases");
        eligibility.dispatchPhases().stream().sorted().forEach(p -> phases.add(p.code()));
        writeRange(node, "age", eligibility.minimumAge(), eligibility.maximumAge());
        if (eligibility.news2Ceiling() != null) {
            node.put("news2Ceiling", eligibility.news2Ceiling());
        }
        writeRange(node, "clinicalFrailtyScale", eligibility.minimumFrailty(), eligibility.maximumFrailty());
        ArrayNode conditions = node.putArray("conditions");
        for (Eligibility.Condition condition : eligibility.conditions()) {
            ObjectNode entry = conditions.addObject().put("system", condition.system()).put("code", condition.code());
            if (condition.display() != null) {
                entry.put("display", condition.display());
            }
        }
        return node;
    }

    private static void writeRange(ObjectNode parent, String field, Integer min, Integer max) {
        if (min == null && max == null) {
            return;
        }
        ObjectNode range = parent.putObject(field);
        if (min != null) {
            range.put("min", min);
        }
        if (max != null) {
            range.put("max", max);
        }
    }

    static String dayCode(DayOfWeek day) {
        return day.name().substring(0, 3).toLowerCase(Locale.ROOT);
    }

    /** The rules, applied to one definition; each broken rule is recorded and reading carries on. */
    private static final class Rules {
        private final List<FieldError> errors = new ArrayList<>();

        private void error(String pointer, String reason) {
            errors.add(new FieldError(pointer, reason));
        }

        private int errorCount() {
            return errors.size();
        }

        CommunityService service(JsonNode node, String at) {
            if (!object(node, at, "a service definition")) {
                return null;
            }
            knownFields(node, at, SERVICE_FIELDS);
            int before = errorCount();
            String id = text(node, at, "id", true, 64);
            if (id != null && !SERVICE_ID.matcher(id).matches()) {
                error(at + "/id", "service id '" + id + "' must be 2 to 63 lower-case letters, digits and dashes");
            }
            String name = text(node, at, "name", true, MAX_NAME);
            ServiceType type = code(node, at, "type", ServiceType::fromCode, "service type",
                    Arrays.stream(ServiceType.values()).map(ServiceType::code).toList());
            String[] organisation = organisation(node.get("organisation"), at + "/organisation");
            String dosServiceId = text(node, at, "dosServiceId", false, 12);
            if (dosServiceId != null && !DOS_SERVICE_ID.matcher(dosServiceId).matches()) {
                error(at + "/dosServiceId", "DoS service id '" + dosServiceId + "' must be digits only");
            }
            Boolean active = bool(node, at, "active");
            Catchment catchment = catchment(node.get("catchment"), at + "/catchment");
            OpeningHours hours = openingHours(node.get("openingHours"), at + "/openingHours");
            Eligibility eligibility = eligibility(node.get("eligibility"), at + "/eligibility");
            Integer window = integer(node, at, "acceptanceWindowMinutes", true, 1, MAX_ACCEPTANCE_MINUTES);
            DeliveryEndpoint endpoint = endpoint(node.get("endpoint"), at + "/endpoint");
            if (errorCount() > before) {
                return null;
            }
            return new CommunityService(id, name, type, organisation[0], organisation[1], dosServiceId, catchment,
                    hours, eligibility, Duration.ofMinutes(window), endpoint, active == null || active);
        }

        private String[] organisation(JsonNode node, String at) {
            if (!required(node, at) || !object(node, at, "the organisation that runs the service")) {
                return new String[2];
            }
            knownFields(node, at, Set.of("odsCode", "name"));
            String odsCode = text(node, at, "odsCode", true, 20);
            if (odsCode != null && !ODS_CODE.matcher(odsCode).matches()) {
                error(at + "/odsCode", "ODS code '" + odsCode + "' must be 3 to 10 upper-case letters and digits");
            }
            return new String[] { odsCode, text(node, at, "name", true, MAX_NAME) };
        }

        private Catchment catchment(JsonNode node, String at) {
            if (!required(node, at) || !object(node, at, "the catchment")) {
                return null;
            }
            knownFields(node, at, Set.of("postcodeDistricts", "areas"));
            List<String> districts = new ArrayList<>();
            List<JsonNode> districtNodes = list(node, at, "postcodeDistricts");
            for (int i = 0; i < districtNodes.size(); i++) {
                String where = at + "/postcodeDistricts/" + i;
                String text = scalarText(districtNodes.get(i), where, "a postcode district such as ME14");
                if (text == null) {
                    continue;
                }
                String upper = text.trim().toUpperCase(Locale.ROOT);
                if (!Catchment.DISTRICT.matcher(upper).matches()) {
                    Optional<String> district = Catchment.districtOf(upper);
                    error(where, district.map(d -> "'" + text + "' is a full postcode; give its district, " + d)
                            .orElse("'" + text + "' is not a postcode district (the first half of a postcode, such as "
                                    + "ME14)"));
                } else if (districts.contains(upper)) {
                    error(where, "postcode district " + upper + " is listed twice");
                } else {
                    districts.add(upper);
                }
            }
            List<Catchment.Area> areas = new ArrayList<>();
            List<JsonNode> areaNodes = list(node, at, "areas");
            for (int i = 0; i < areaNodes.size(); i++) {
                Catchment.Area area = area(areaNodes.get(i), at + "/areas/" + i);
                if (area != null) {
                    areas.add(area);
                }
            }
            if (districtNodes.isEmpty() && areaNodes.isEmpty()) {
                error(at, "a catchment needs at least one postcode district or area");
            }
            return new Catchment(districts, areas);
        }

        private Catchment.Area area(JsonNode node, String at) {
            if (!object(node, at, "an area with a name and a circle or a polygon")) {
                return null;
            }
            knownFields(node, at, Set.of("name", "circle", "polygon"));
            String name = text(node, at, "name", true, MAX_NAME);
            boolean hasCircle = node.hasNonNull("circle");
            boolean hasPolygon = node.hasNonNull("polygon");
            if (hasCircle == hasPolygon) {
                error(at, "an area is either a circle or a polygon: give exactly one of them");
                return null;
            }
            if (hasCircle) {
                JsonNode circle = node.get("circle");
                String where = at + "/circle";
                if (!object(circle, where, "a circle with latitude, longitude and radiusKm")) {
                    return null;
                }
                knownFields(circle, where, Set.of("latitude", "longitude", "radiusKm"));
                Catchment.GeoPoint centre = point(circle, where);
                Double radius = number(circle, where, "radiusKm", 0, MAX_RADIUS_KM);
                if (radius != null && radius == 0) {
                    error(where + "/radiusKm", "radiusKm must be more than 0");
                    return null;
                }
                return name == null || centre == null || radius == null ? null
                        : new Catchment.Circle(name, centre, radius);
            }
            List<JsonNode> cornerNodes = list(node, at, "polygon");
            List<Catchment.GeoPoint> corners = new ArrayList<>();
            for (int i = 0; i < cornerNodes.size(); i++) {
                String where = at + "/polygon/" + i;
                if (object(cornerNodes.get(i), where, "a corner with latitude and longitude")) {
                    knownFields(cornerNodes.get(i), where, Set.of("latitude", "longitude"));
                    Catchment.GeoPoint corner = point(cornerNodes.get(i), where);
                    if (corner != null) {
                        corners.add(corner);
                    }
                }
            }
            if (cornerNodes.size() < 3) {
                error(at + "/polygon", "a polygon needs at least 3 corners; it has " + cornerNodes.size());
                return null;
            }
            return name == null || corners.size() != cornerNodes.size() ? null : new Catchment.Polygon(name, corners);
        }

        private Catchment.GeoPoint point(JsonNode node, String at) {
            Double latitude = number(node, at, "latitude", -90, 90);
            Double longitude = number(node, at, "longitude", -180, 180);
            if (latitude == null || longitude == null) {
                if (!node.has("latitude") || !node.has("longitude")) {
                    error(at, "latitude and longitude are both required");
                }
                return null;
            }
            return new Catchment.GeoPoint(latitude, longitude);
        }

        private OpeningHours openingHours(JsonNode node, String at) {
            if (!required(node, at) || !object(node, at, "opening hours with availableTime")) {
                return null;
            }
            knownFields(node, at, Set.of("availableTime", "notAvailable"));
            List<JsonNode> timeNodes = list(node, at, "availableTime");
            if (timeNodes.isEmpty()) {
                error(at + "/availableTime", "availableTime needs at least one entry; a 24/7 service lists every "
                        + "day with allDay: true");
            }
            List<OpeningHours.AvailableTime> times = new ArrayList<>();
            List<String> timePointers = new ArrayList<>();
            for (int i = 0; i < timeNodes.size(); i++) {
                OpeningHours.AvailableTime time = availableTime(timeNodes.get(i), at + "/availableTime/" + i);
                if (time != null) {
                    times.add(time);
                    timePointers.add(at + "/availableTime/" + i);
                }
            }
            for (int j = 1; j < times.size(); j++) {
                for (int i = 0; i < j; i++) {
                    Optional<DayOfWeek> clash = firstOverlap(times.get(i), times.get(j));
                    if (clash.isPresent()) {
                        error(timePointers.get(j), "hours overlap those of " + timePointers.get(i) + " on "
                                + dayCode(clash.get()));
                    }
                }
            }
            List<OpeningHours.NotAvailable> closures = new ArrayList<>();
            List<JsonNode> closureNodes = list(node, at, "notAvailable");
            for (int i = 0; i < closureNodes.size(); i++) {
                OpeningHours.NotAvailable closure = notAvailable(closureNodes.get(i), at + "/notAvailable/" + i);
                if (closure != null) {
                    closures.add(closure);
                }
            }
            return new OpeningHours(times, closures);
        }

        private OpeningHours.AvailableTime availableTime(JsonNode node, String at) {
            if (!object(node, at, "daysOfWeek with allDay: true, or with start and end")) {
                return null;
            }
            knownFields(node, at, Set.of("daysOfWeek", "allDay", "start", "end"));
            int before = errorCount();
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            List<JsonNode> dayNodes = list(node, at, "daysOfWeek");
            if (dayNodes.isEmpty()) {
                error(at + "/daysOfWeek", "daysOfWeek needs at least one of mon, tue, wed, thu, fri, sat, sun");
            }
            for (int i = 0; i < dayNodes.size(); i++) {
                String where = at + "/daysOfWeek/" + i;
                String text = scalarText(dayNodes.get(i), where, "a day: mon, tue, wed, thu, fri, sat or sun");
                DayOfWeek day = text == null ? null : DAYS.get(text);
                if (text != null && day == null) {
                    error(where, "unknown day '" + text + "'; use mon, tue, wed, thu, fri, sat or sun");
                } else if (day != null && !days.add(day)) {
                    error(where, "day " + text + " is listed twice");
                }
            }
            Boolean allDay = bool(node, at, "allDay");
            LocalTime start = time(node, at, "start");
            LocalTime end = time(node, at, "end");
            if (Boolean.TRUE.equals(allDay)) {
                if (node.hasNonNull("start") || node.hasNonNull("end")) {
                    error(at, "allDay: true takes no start or end; remove them, or remove allDay");
                }
            } else if (!node.hasNonNull("start") || !node.hasNonNull("end")) {
                error(at, "give start and end (HH:mm), or allDay: true");
            } else if (start != null && start.equals(end)) {
                error(at + "/end", "start and end are both " + start + "; for a whole day use allDay: true");
            }
            if (errorCount() > before) {
                return null;
            }
            return Boolean.TRUE.equals(allDay) ? OpeningHours.AvailableTime.allDay(days)
                    : new OpeningHours.AvailableTime(days, false, start, end);
        }

        private OpeningHours.NotAvailable notAvailable(JsonNode node, String at) {
            if (!object(node, at, "a closure with description, start and end")) {
                return null;
            }
            knownFields(node, at, Set.of("description", "start", "end"));
            String description = text(node, at, "description", true, MAX_NAME);
            LocalDateTime start = dateTime(node, at, "start");
            LocalDateTime end = dateTime(node, at, "end");
            if (start != null && end != null && !end.isAfter(start)) {
                error(at + "/end", "end " + end + " must be after start " + start);
                return null;
            }
            return description == null || start == null || end == null ? null
                    : new OpeningHours.NotAvailable(description, start, end);
        }

        private Eligibility eligibility(JsonNode node, String at) {
            if (!required(node, at) || !object(node, at, "the eligibility rules")) {
                return null;
            }
            knownFields(node, at, Set.of("categories", "dispatchPhases", "age", "news2Ceiling",
                    "clinicalFrailtyScale", "conditions"));
            int before = errorCount();
            Set<ArpCategory> categories = codes(node, at, "categories", code -> ArpCategory.fromCode(code),
                    "category", "C3, C4, C5");
            for (ArpCategory category : categories) {
                if (category.isAmbulanceOnly() && category != ArpCategory.C2) {
                    error(at + "/categories", "category " + category.code()
                            + " is never referred to a community service");
                }
            }
            Set<DispatchPhase> phases = codes(node, at, "dispatchPhases", DispatchPhase::fromCode,
                    "dispatch phase", "pre-dispatch, post-dispatch");
            Integer[] age = range(node, at, "age", 0, 130);
            Integer news2 = integer(node, at, "news2Ceiling", false, 0, 20);
            Integer[] frailty = range(node, at, "clinicalFrailtyScale", 1, 9);
            List<Eligibility.Condition> conditions = new ArrayList<>();
            List<JsonNode> conditionNodes = list(node, at, "conditions");
            for (int i = 0; i < conditionNodes.size(); i++) {
                Eligibility.Condition condition = condition(conditionNodes.get(i), at + "/conditions/" + i);
                if (condition != null) {
                    conditions.add(condition);
                }
            }
            if (errorCount() > before) {
                return null;
            }
            return new Eligibility(categories, phases, conditions, age[0], age[1], news2, frailty[0], frailty[1]);
        }

        private Eligibility.Condition condition(JsonNode node, String at) {
            if (!object(node, at, "a condition with system and code")) {
                return null;
            }
            knownFields(node, at, Set.of("system", "code", "display"));
            String system = text(node, at, "system", true, 500);
            if (system != null && !system.contains(":")) {
                error(at + "/system", "code system '" + system + "' must be a URI, such as http://snomed.info/sct");
            }
            String code = text(node, at, "code", true, 100);
            if (code != null && code.indexOf('*') >= 0 && code.indexOf('*') != code.length() - 1) {
                error(at + "/code", "code '" + code + "' may only end in *, meaning every code that starts so");
            }
            String display = text(node, at, "display", false, MAX_NAME);
            return system == null || code == null ? null : new Eligibility.Condition(system, code, display);
        }

        private DeliveryEndpoint endpoint(JsonNode node, String at) {
            if (!required(node, at) || !object(node, at, "the delivery endpoint with kind and url")) {
                return null;
            }
            knownFields(node, at, Set.of("kind", "url"));
            DeliveryEndpoint.Kind kind = code(node, at, "kind", DeliveryEndpoint.Kind::fromCode, "endpoint kind",
                    Arrays.stream(DeliveryEndpoint.Kind.values()).map(DeliveryEndpoint.Kind::code).toList());
            String url = text(node, at, "url", false, 2000);
            if (kind == null) {
                return null;
            }
            if (kind == DeliveryEndpoint.Kind.PULL) {
                if (url != null) {
                    error(at + "/url", "a pull endpoint has no url: the provider fetches its cases from the hub");
                    return null;
                }
                return DeliveryEndpoint.pull();
            }
            if (url == null) {
                error(at + "/url", "url is required for a " + kind.code() + " endpoint");
                return null;
            }
            try {
                URI uri = new URI(url);
                if (!uri.isAbsolute() || uri.getHost() == null
                        || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                    error(at + "/url", "url '" + url + "' must be an absolute http or https URL");
                    return null;
                }
                return new DeliveryEndpoint(kind, uri);
            } catch (URISyntaxException e) {
                error(at + "/url", "url '" + url + "' is not a URL: " + e.getReason());
                return null;
            }
        }

        // ------------------------------------------------------------------ field readers

        private boolean required(JsonNode node, String at) {
            if (node == null || node.isNull()) {
                error(at, "'" + name(at) + "' is required");
                return false;
            }
            return true;
        }

        private boolean object(JsonNode node, String at, String expected) {
            if (node == null || !node.isObject()) {
                error(at, "must be " + expected);
                return false;
            }
            return true;
        }

        /** Typos must not pass silently: an unknown field is an error, not ignored. */
        private void knownFields(JsonNode node, String at, Set<String> known) {
            node.fieldNames().forEachRemaining(field -> {
                if (!known.contains(field)) {
                    error(at + "/" + field, "unknown field '" + field + "'; expected "
                            + new TreeSet<>(known).stream().collect(Collectors.joining(", ")));
                }
            });
        }

        private String text(JsonNode parent, String at, String field, boolean required, int maxLength) {
            JsonNode node = parent.get(field);
            String where = at + "/" + field;
            if (node == null || node.isNull()) {
                if (required) {
                    error(where, "'" + field + "' is required");
                }
                return null;
            }
            String text = scalarText(node, where, "text");
            if (text == null) {
                return null;
            }
            if (text.isBlank()) {
                error(where, "'" + field + "' must not be blank");
                return null;
            }
            if (text.length() > maxLength) {
                error(where, "'" + field + "' must be at most " + maxLength + " characters");
                return null;
            }
            return text.strip();
        }

        /** Numbers are taken as their text where text is expected: a DoS id is digits whether quoted or not. */
        private String scalarText(JsonNode node, String at, String expected) {
            if (node == null || node.isNull() || node.isContainerNode() || node.isBoolean()) {
                error(at, "must be " + expected);
                return null;
            }
            return node.asText();
        }

        private Boolean bool(JsonNode parent, String at, String field) {
            JsonNode node = parent.get(field);
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isBoolean()) {
                error(at + "/" + field, "'" + field + "' must be true or false; got '" + node.asText() + "'");
                return null;
            }
            return node.booleanValue();
        }

        private Integer integer(JsonNode parent, String at, String field, boolean required, int min, int max) {
            JsonNode node = parent.get(field);
            String where = at + "/" + field;
            if (node == null || node.isNull()) {
                if (required) {
                    error(where, "'" + field + "' is required");
                }
                return null;
            }
            if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                error(where, "'" + field + "' must be a whole number; got '" + node.asText() + "'");
                return null;
            }
            int value = node.intValue();
            if (value < min || value > max) {
                error(where, "'" + field + "' must be " + min + " to " + max + "; got " + value);
                return null;
            }
            return value;
        }

        private Double number(JsonNode parent, String at, String field, double min, double max) {
            JsonNode node = parent.get(field);
            if (node == null || node.isNull()) {
                return null;
            }
            String where = at + "/" + field;
            if (!node.isNumber()) {
                error(where, "'" + field + "' must be a number; got '" + node.asText() + "'");
                return null;
            }
            double value = node.doubleValue();
            if (value < min || value > max) {
                error(where, "'" + field + "' must be " + trim(min) + " to " + trim(max) + "; got " + node.asText());
                return null;
            }
            return value;
        }

        /** {@code {min: 18, max: 65}}, either bound optional; {@code [min, max]} as Integers, null when absent. */
        private Integer[] range(JsonNode parent, String at, String field, int lowest, int highest) {
            JsonNode node = parent.get(field);
            String where = at + "/" + field;
            if (node == null || node.isNull()) {
                return new Integer[2];
            }
            if (!object(node, where, "a range such as {min: " + lowest + ", max: " + highest + "}")) {
                return new Integer[2];
            }
            knownFields(node, where, Set.of("min", "max"));
            Integer min = integer(node, where, "min", false, lowest, highest);
            Integer max = integer(node, where, "max", false, lowest, highest);
            if (!node.hasNonNull("min") && !node.hasNonNull("max")) {
                error(where, "give min, max or both");
            }
            if (min != null && max != null && min > max) {
                error(where, field + " min " + min + " is greater than max " + max);
            }
            return new Integer[] { min, max };
        }

        private LocalTime time(JsonNode parent, String at, String field) {
            String text = text(parent, at, field, false, 8);
            if (text == null) {
                return null;
            }
            if (!TIME.matcher(text).matches()) {
                error(at + "/" + field, "'" + field + "' must be a time HH:mm from 00:00 to 23:59; got '" + text + "'");
                return null;
            }
            return LocalTime.parse(text);
        }

        private LocalDateTime dateTime(JsonNode parent, String at, String field) {
            String text = text(parent, at, field, true, 30);
            if (text == null) {
                return null;
            }
            try {
                return LocalDateTime.parse(text);
            } catch (DateTimeParseException e) {
                error(at + "/" + field, "'" + field + "' must be a local date and time in Europe/London, "
                        + "such as 2026-12-25T00:00; got '" + text + "'");
                return null;
            }
        }

        private List<JsonNode> list(JsonNode parent, String at, String field) {
            JsonNode node = parent.get(field);
            if (node == null || node.isNull()) {
                return List.of();
            }
            if (!node.isArray()) {
                error(at + "/" + field, "'" + field + "' must be a list");
                return List.of();
            }
            List<JsonNode> items = new ArrayList<>();
            node.forEach(items::add);
            return items;
        }

        private <T> T code(JsonNode parent, String at, String field, Function<String, Optional<T>> lookup,
                String what, List<String> allowed) {
            String text = text(parent, at, field, true, 100);
            if (text == null) {
                return null;
            }
            Optional<T> value = lookup.apply(text);
            if (value.isEmpty()) {
                error(at + "/" + field, "unknown " + what + " '" + text + "'; use one of " + String.join(", ", allowed));
                return null;
            }
            return value.get();
        }

        /** A non-empty list of codes without repeats. */
        private <T> Set<T> codes(JsonNode parent, String at, String field, Function<String, Optional<T>> lookup,
                String what, String example) {
            Set<T> values = new LinkedHashSet<>();
            List<JsonNode> nodes = list(parent, at, field);
            if (nodes.isEmpty()) {
                error(at + "/" + field, "'" + field + "' needs at least one " + what + ", such as [" + example + "]");
            }
            for (int i = 0; i < nodes.size(); i++) {
                String where = at + "/" + field + "/" + i;
                String text = scalarText(nodes.get(i), where, "a " + what);
                if (text == null) {
                    continue;
                }
                Optional<T> value = lookup.apply(text);
                if (value.isEmpty()) {
                    error(where, "unknown " + what + " '" + text + "'");
                } else if (!values.add(value.get())) {
                    error(where, what + " " + text + " is listed twice");
                }
            }
            return values;
        }

        private static String name(String pointer) {
            return pointer.substring(pointer.lastIndexOf('/') + 1);
        }

        private static String trim(double value) {
            return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        }
    }

    /**
     * The first day on which two weekly entries are both open at the same moment, if any. Each entry is laid out
     * as intervals in seconds from Monday 00:00, wrapping from Sunday night into Monday morning.
     */
    static Optional<DayOfWeek> firstOverlap(OpeningHours.AvailableTime a, OpeningHours.AvailableTime b) {
        for (int[] x : weekIntervals(a)) {
            for (int[] y : weekIntervals(b)) {
                int from = Math.max(x[0], y[0]);
                if (from < Math.min(x[1], y[1])) {
                    return Optional.of(DayOfWeek.of(from / SECONDS_PER_DAY + 1));
                }
            }
        }
        return Optional.empty();
    }

    private static List<int[]> weekIntervals(OpeningHours.AvailableTime time) {
        List<int[]> intervals = new ArrayList<>();
        for (DayOfWeek day : time.daysOfWeek()) {
            int dayStart = (day.getValue() - 1) * SECONDS_PER_DAY;
            int from = time.allDay() ? dayStart : dayStart + time.start().toSecondOfDay();
            int to = time.allDay() ? dayStart + SECONDS_PER_DAY
                    : dayStart + time.end().toSecondOfDay() + (time.crossesMidnight() ? SECONDS_PER_DAY : 0);
            if (to > SECONDS_PER_WEEK) {
                intervals.add(new int[] { from, SECONDS_PER_WEEK });
                intervals.add(new int[] { 0, to - SECONDS_PER_WEEK });
            } else {
                intervals.add(new int[] { from, to });
            }
        }
        return intervals;
    }
}

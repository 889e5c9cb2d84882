package org.rightcare.hub.directory;

import java.net.URI;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.support.DocumentSchema;
import org.rightcare.hub.support.FieldError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one shape of a service definition, shared by the directory file (an entry under {@code services:}), the admin
 * API (the JSON body of {@code PUT /admin/directory/services/{id}}) and the database (the {@code definition}
 * column). The shape is {@code #/$defs/service} of the directory's JSON Schema ({@code directory-v1.schema.json},
 * which ICB engineers' editors read too); {@link #read} checks a definition against it, binds what passed, adds the
 * rules across fields a schema cannot state, and reports each broken rule by JSON pointer; {@link #write} gives the
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
 *   excludeConditions: [{system: http://snomed.info/sct, code: "29857009", display: Chest pain}]
 * acceptanceWindowMinutes: 15
 * endpoint: {kind: bars, url: http://localhost:8090/bars/ucr-maidstone}
 * </pre>
 */
public final class ServiceDefinitionFormat {

    /** Lower case letters, digits and dashes: the id is also a FHIR id and a URL path segment. */
    public static final Pattern SERVICE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");

    /** The directory's schema, whose {@code #/$defs/service} is one definition. */
    static final String SCHEMA = "/directory/directory-v1.schema.json";
    private static final DocumentSchema SERVICE = DocumentSchema.load(SCHEMA + "#/$defs/service", true);
    private static final ObjectReader DEFINITION = DocumentSchema.binder().build().readerFor(Definition.class);

    private static final int SECONDS_PER_DAY = 24 * 60 * 60;
    private static final int SECONDS_PER_WEEK = 7 * SECONDS_PER_DAY;

    private static final Map<String, DayOfWeek> DAYS = Map.of("mon", DayOfWeek.MONDAY, "tue", DayOfWeek.TUESDAY,
            "wed", DayOfWeek.WEDNESDAY, "thu", DayOfWeek.THURSDAY, "fri", DayOfWeek.FRIDAY, "sat", DayOfWeek.SATURDAY,
            "sun", DayOfWeek.SUNDAY);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ServiceDefinitionFormat() {
    }

    /** Either the service or every rule its definition breaks. */
    public record Result(Optional<CommunityService> service, List<FieldError> errors) {
        public boolean isValid() {
            return errors.isEmpty();
        }
    }

    /** A definition as the schema shapes it; a value the schema refused is null here. */
    record Definition(String id, String name, String type, Organisation organisation, String dosServiceId,
            Boolean active, CatchmentEntry catchment, Hours openingHours, EligibilityEntry eligibility,
            Integer acceptanceWindowMinutes, Endpoint endpoint) {
    }

    record Organisation(String odsCode, String name) {
    }

    record CatchmentEntry(List<String> postcodeDistricts, List<AreaEntry> areas) {
    }

    record AreaEntry(String name, CircleEntry circle, List<Point> polygon) {
    }

    record CircleEntry(Double latitude, Double longitude, Double radiusKm) {
    }

    record Point(Double latitude, Double longitude) {
    }

    record Hours(List<Weekly> availableTime, List<Closure> notAvailable) {
    }

    record Weekly(List<String> daysOfWeek, Boolean allDay, LocalTime start, LocalTime end) {
    }

    record Closure(String description, LocalDateTime start, LocalDateTime end) {
    }

    record EligibilityEntry(List<String> categories, List<String> dispatchPhases, Range age, Integer news2Ceiling,
            Range clinicalFrailtyScale, List<Eligibility.Condition> conditions,
            List<Eligibility.Condition> excludeConditions) {
    }

    record Range(Integer min, Integer max) {
    }

    record Endpoint(String kind, String url) {
    }

    /**
     * @param definition a file entry or API body
     * @param pointer where the definition sits in its document ({@code ""} for a body, {@code /services/3} in a file),
     *        so errors point into the document the engineer wrote
     */
    public static Result read(JsonNode definition, String pointer) {
        List<FieldError> errors = new ArrayList<>(SERVICE.check(definition));
        Result result = checked(DocumentSchema.passed(definition, errors), pointer, errors);
        return pointer.isEmpty() ? result
                : new Result(result.service(), result.errors().stream()
                        .map(e -> new FieldError(pointer + e.pointer(), e.detail())).toList());
    }

    /**
     * A definition already checked against the schema (as part of a directory file): binds what passed and adds the
     * rules across its fields.
     *
     * @param passed the definition without the values the schema refused
     * @param at where the definition sits in its document, for messages that name another of its values
     * @param errors the schema's errors for it, by pointer into it; appended to
     */
    static Result checked(JsonNode passed, String at, List<FieldError> errors) {
        Definition definition = passed.isObject() ? DocumentSchema.bind(passed, "", DEFINITION, errors)
                : null;
        if (definition != null) {
            acrossFields(definition, at, errors);
        }
        if (!errors.isEmpty() || definition == null) {
            return new Result(Optional.empty(), List.copyOf(errors));
        }
        return new Result(Optional.of(service(definition)), List.of());
    }

    /** What the schema cannot say: hours that clash or go nowhere, closures that end first, ranges upside down. */
    private static void acrossFields(Definition d, String definitionAt, List<FieldError> errors) {
        if (d.openingHours() != null) {
            List<OpeningHours.AvailableTime> times = new ArrayList<>();
            List<String> pointers = new ArrayList<>();
            List<Weekly> weekly = orEmpty(d.openingHours().availableTime());
            for (int i = 0; i < weekly.size(); i++) {
                String at = "/openingHours/availableTime/" + i;
                Weekly w = weekly.get(i);
                if (w == null || w.daysOfWeek() == null || w.daysOfWeek().contains(null)) {
                    continue;
                }
                if (!Boolean.TRUE.equals(w.allDay()) && w.start() != null && w.start().equals(w.end())) {
                    errors.add(new FieldError(at + "/end", "start and end are both " + w.start()
                            + "; for a whole day use allDay: true"));
                } else if (Boolean.TRUE.equals(w.allDay()) || (w.start() != null && w.end() != null)) {
                    times.add(availableTime(w));
                    pointers.add(at);
                }
            }
            for (int j = 1; j < times.size(); j++) {
                for (int i = 0; i < j; i++) {
                    Optional<DayOfWeek> clash = firstOverlap(times.get(i), times.get(j));
                    if (clash.isPresent()) {
                        errors.add(new FieldError(pointers.get(j),
                                "hours overlap those of " + definitionAt + pointers.get(i) + " on "
                                        + dayCode(clash.get())));
                    }
                }
            }
            List<Closure> closures = orEmpty(d.openingHours().notAvailable());
            for (int i = 0; i < closures.size(); i++) {
                Closure c = closures.get(i);
                if (c != null && c.start() != null && c.end() != null && !c.end().isAfter(c.start())) {
                    errors.add(new FieldError("/openingHours/notAvailable/" + i + "/end", "end " + c.end()
                            + " must be after start " + c.start()));
                }
            }
        }
        if (d.eligibility() != null) {
            minNotAboveMax(d.eligibility().age(), "/eligibility/age", "age", errors);
            minNotAboveMax(d.eligibility().clinicalFrailtyScale(), "/eligibility/clinicalFrailtyScale",
                    "clinicalFrailtyScale", errors);
        }
    }

    private static void minNotAboveMax(Range range, String at, String field, List<FieldError> errors) {
        if (range != null && range.min() != null && range.max() != null && range.min() > range.max()) {
            errors.add(new FieldError(at, field + " min " + range.min() + " is greater than max " + range.max()));
        }
    }

    /** The service a definition that broke no rule describes. */
    private static CommunityService service(Definition d) {
        CatchmentEntry c = d.catchment();
        List<Catchment.Area> areas = new ArrayList<>();
        for (AreaEntry area : orEmpty(c.areas())) {
            areas.add(area.circle() != null
                    ? new Catchment.Circle(area.name().strip(), point(area.circle().latitude(), area.circle().longitude()),
                            area.circle().radiusKm())
                    : new Catchment.Polygon(area.name().strip(),
                            area.polygon().stream().map(p -> point(p.latitude(), p.longitude())).toList()));
        }
        Catchment catchment = new Catchment(orEmpty(c.postcodeDistricts()).stream()
                .map(district -> district.toUpperCase(Locale.ROOT)).distinct().toList(), areas);
        OpeningHours hours = new OpeningHours(
                d.openingHours().availableTime().stream().map(ServiceDefinitionFormat::availableTime).toList(),
                orEmpty(d.openingHours().notAvailable()).stream()
                        .map(n -> new OpeningHours.NotAvailable(n.description().strip(), n.start(), n.end())).toList());
        EligibilityEntry e = d.eligibility();
        Set<ArpCategory> categories = new LinkedHashSet<>();
        e.categories().forEach(code -> categories.add(ArpCategory.fromCode(code).orElseThrow()));
        Set<DispatchPhase> phases = new LinkedHashSet<>();
        e.dispatchPhases().forEach(code -> phases.add(DispatchPhase.fromCode(code).orElseThrow()));
        Eligibility eligibility = new Eligibility(categories, phases, stripped(e.conditions()),
                e.age() == null ? null : e.age().min(), e.age() == null ? null : e.age().max(),
                e.news2Ceiling(), e.clinicalFrailtyScale() == null ? null : e.clinicalFrailtyScale().min(),
                e.clinicalFrailtyScale() == null ? null : e.clinicalFrailtyScale().max(),
                stripped(e.excludeConditions()));
        DeliveryEndpoint.Kind kind = DeliveryEndpoint.Kind.fromCode(d.endpoint().kind()).orElseThrow();
        DeliveryEndpoint endpoint = kind == DeliveryEndpoint.Kind.PULL ? DeliveryEndpoint.pull()
                : new DeliveryEndpoint(kind, URI.create(d.endpoint().url()));
        return new CommunityService(d.id(), d.name().strip(), ServiceType.fromCode(d.type()).orElseThrow(),
                d.organisation().odsCode(), d.organisation().name().strip(), d.dosServiceId(), catchment, hours,
                eligibility, Duration.ofMinutes(d.acceptanceWindowMinutes()), endpoint,
                d.active() == null || d.active());
    }

    private static OpeningHours.AvailableTime availableTime(Weekly w) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        w.daysOfWeek().forEach(day -> days.add(DAYS.get(day)));
        return Boolean.TRUE.equals(w.allDay()) ? OpeningHours.AvailableTime.allDay(days)
                : new OpeningHours.AvailableTime(days, false, w.start(), w.end());
    }

    private static Catchment.GeoPoint point(Double latitude, Double longitude) {
        return new Catchment.GeoPoint(latitude, longitude);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
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
        writeConditions(node.putArray("conditions"), eligibility.conditions());
        if (!eligibility.excludedConditions().isEmpty()) {
            writeConditions(node.putArray("excludeConditions"), eligibility.excludedConditions());
        }
        return node;
    }

    private static void writeConditions(ArrayNode array, List<Eligibility.Condition> conditions) {
        for (Eligibility.Condition condition : conditions) {
            ObjectNode entry = array.addObject().put("system", condition.system()).put("code", condition.code());
            if (condition.display() != null) {
                entry.put("display", condition.display());
            }
        }
    }

    private static List<Eligibility.Condition> stripped(List<Eligibility.Condition> conditions) {
        return orEmpty(conditions).stream().map(x -> new Eligibility.Condition(x.system().strip(), x.code().strip(),
                x.display() == null ? null : x.display().strip())).toList();
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

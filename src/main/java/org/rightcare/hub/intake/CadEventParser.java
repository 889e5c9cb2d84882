package org.rightcare.hub.intake;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.cad.CadSystemRegistry;
import org.rightcare.hub.referral.DispatchState;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.support.DocumentSchema;
import org.rightcare.hub.support.FieldError;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;

import io.quarkus.runtime.Startup;

/**
 * Reads a CAD webhook body against contract v1, collecting every broken rule (not just the first) so a CAD integrator
 * can fix a payload in one round. The contract's rules are its JSON Schema ({@code cad-event-v1.schema.json}, served to
 * CAD vendors), checked once on the parsed body; what passed is bound into the hub's records; this class adds only what
 * a schema cannot say: the NHS number check digit, a birth date not in the future (the clock), and which callback URLs
 * this hub accepts (its profile). Built and warmed at start, so the first event pays nothing extra.
 */
@ApplicationScoped
@Startup
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

    /** The event's own fields; its incident is read whole only for events that carry it whole. */
    private record Body(String eventId, String eventType, Instant occurredAt, String cadSystem, String callbackUrl) {
    }

    /** Patient data: a refusal names the field, never echoes its value. */
    private static final DocumentSchema SCHEMA = DocumentSchema.load("/cad/cad-event-v1.schema.json", false);

    /** The contract's text is the CAD's: blank optional text is no text, dispatch states are their wire values. */
    private static final ObjectMapper BINDER = DocumentSchema.binder().addModule(new SimpleModule()
            .addDeserializer(String.class, new BlankAsAbsent())
            .addDeserializer(DispatchState.class, new ByWireValue<>(DispatchState.class, DispatchState::fromWireValue)))
            .build();
    private static final ObjectReader BODY = BINDER.readerFor(Body.class);
    private static final ObjectReader INCIDENT = BINDER.readerFor(Incident.class);

    private final CadSystemRegistry cadSystems;

    public CadEventParser(CadSystemRegistry cadSystems) {
        this.cadSystems = cadSystems;
        // Warm the schema's validators and the binding on the contract's own example.
        JsonNode example = SCHEMA.document().path("examples").path(0);
        if (!read(example, new ArrayList<>(SCHEMA.check(example)), url -> true, null).errors().isEmpty()) {
            throw new IllegalStateException("The CAD schema's example breaks its own schema");
        }
    }

    /**
     * The contract's rules that do not depend on the time: what the webhook reads, minus {@link #parse(byte[], Instant)}'s
     * plausibility of times (for replays of recorded incidents, whose times are old by design).
     */
    public Result parse(byte[] body) throws MalformedJsonException {
        return parse(body, null);
    }

    /**
     * Everything the webhook checks before it stores an event.
     *
     * @param now the hub's clock, for the plausibility of the event's times; null to leave them unchecked
     */
    public Result parse(byte[] body, Instant now) throws MalformedJsonException {
        JsonNode root;
        try {
            root = StrictJson.read(body);
        } catch (StrictJson.Malformed e) {
            throw new MalformedJsonException(e.getMessage());
        }
        List<FieldError> errors = new ArrayList<>(SCHEMA.check(root));
        errors.addAll(StrictJson.unholdable(root));
        if (!root.isObject()) {
            return new Result(null, errors);
        }
        return read(root, errors, url -> cadSystems.isAcceptableCallbackUrl(url), now);
    }

    /** Binds what passed the schema, and checks what it cannot say. */
    private static Result read(JsonNode root, List<FieldError> errors, Predicate<URI> acceptableCallback,
            Instant now) {
        JsonNode passed = DocumentSchema.passed(root, errors);
        Body body = DocumentSchema.bind(passed, "", BODY, errors);
        CadEventType eventType = body.eventType() == null ? null : CadEventType.fromWireValue(body.eventType()).orElse(null);
        JsonNode incidentNode = passed.path("incident");
        Incident incident = null;
        if (incidentNode.isObject()) {
            incident = eventType != null && !eventType.carriesFullIncident()
                    ? new Incident(incidentNode.path("incidentId").asText(null), null, null, null, null, null, null,
                            null, null, null, null)
                    : DocumentSchema.bind(incidentNode, "/incident", INCIDENT, errors);
        }
        if (incident != null && incident.patient() != null) {
            patientRules(incident.patient(), errors);
        }
        if (now != null) {
            TimePlausibility.check(body.occurredAt(), incident, now, errors);
        }
        URI callbackUrl = callbackUrl(body.callbackUrl(), acceptableCallback, errors);
        if (!errors.isEmpty()) {
            return new Result(null, List.copyOf(errors));
        }
        return new Result(new CadEvent(body.eventId(), eventType, body.occurredAt(), body.cadSystem(),
                eventType.carriesFullIncident() ? normalised(incident) : incident, callbackUrl), List.of());
    }

    private static void patientRules(Incident.Patient patient, List<FieldError> errors) {
        if (patient.nhsNumber() != null && !NhsNumber.isValid(patient.nhsNumber().replace(" ", ""))) {
            errors.add(new FieldError("/incident/patient/nhsNumber",
                    "is not a valid NHS number (10 digits with a modulus 11 check digit)"));
        }
        if (patient.birthDate() != null && patient.birthDate().isAfter(LocalDate.now())) {
            errors.add(new FieldError("/incident/patient/birthDate", "must not be in the future"));
        }
    }

    /** A callback URL must be one this hub will call: https, or any URL in development profiles. */
    private static URI callbackUrl(String text, Predicate<URI> acceptable, List<FieldError> errors) {
        if (text == null) {
            return null;
        }
        try {
            URI url = new URI(text);
            if (url.isAbsolute() && acceptable.test(url)) {
                return url;
            }
        } catch (URISyntaxException e) {
            // said below, as for a relative URL
        }
        errors.add(new FieldError("/callbackUrl", "must be an absolute https URL"));
        return null;
    }

    /** The incident in the hub's forms: NHS numbers without spaces, postcodes as the directory writes them. */
    private static Incident normalised(Incident incident) {
        Incident.Patient p = incident.patient();
        Incident.Address a = p.address();
        Incident.Address address = a == null ? null
                : new Incident.Address(a.lines() == null ? List.of() : List.copyOf(a.lines()), a.city(),
                        a.postcode() == null ? null : normalisePostcode(a.postcode()));
        Incident.Patient patient = new Incident.Patient(p.nhsNumber() == null ? null : p.nhsNumber().replace(" ", ""),
                p.givenName(), p.familyName(), p.birthDate(), p.estimatedAge(), p.gender(), p.phone(), address);
        Incident.IncidentLocation l = incident.location();
        Incident.IncidentLocation location = new Incident.IncidentLocation(
                l.postcode() == null ? null : normalisePostcode(l.postcode()), l.latitude(), l.longitude(),
                l.description());
        Incident.Clinical c = incident.clinical();
        Incident.Clinical clinical = c == null ? null
                : new Incident.Clinical(c.news2(), c.clinicalFrailtyScale(),
                        c.observations() == null ? List.of() : List.copyOf(c.observations()), c.sceneSafe(), c.notes());
        return new Incident(incident.incidentId(), incident.receivedAt(), incident.category(), incident.dispatchState(),
                incident.origin(), incident.triage(), incident.presentingComplaint(), patient, location, clinical,
                incident.crew());
    }

    /** Upper case with one space before the inward code, the form the directory's catchments use. */
    static String normalisePostcode(String postcode) {
        String compact = postcode.replace(" ", "").toUpperCase();
        if (compact.length() < 4) {
            // Not a postcode (the schema says so); never split what cannot be split.
            return compact;
        }
        return compact.substring(0, compact.length() - 3) + " " + compact.substring(compact.length() - 3);
    }

    /** Optional text that is blank says nothing: it is read as absent, as the contract's readers expect. */
    private static final class BlankAsAbsent extends StdScalarDeserializer<String> {
        private static final long serialVersionUID = 1L;

        BlankAsAbsent() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = StringDeserializer.instance.deserialize(parser, context);
            return text == null || text.isBlank() ? null : text;
        }
    }

    /** An enum read by its contract wire value ({@code clinical-queue}), not its Java name. */
    private static final class ByWireValue<E> extends StdScalarDeserializer<E> {
        private static final long serialVersionUID = 1L;
        private final transient Function<String, Optional<E>> lookup;

        ByWireValue(Class<E> type, Function<String, Optional<E>> lookup) {
            super(type);
            this.lookup = lookup;
        }

        @Override
        @SuppressWarnings("unchecked")
        public E deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = parser.getValueAsString();
            Optional<E> value = lookup.apply(text);
            return value.isPresent() ? value.get()
                    : (E) context.handleWeirdStringValue(handledType(), text, "not a wire value");
        }
    }
}

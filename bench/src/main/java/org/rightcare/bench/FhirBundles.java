package org.rightcare.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The comparison's request: a CAD incident event as the FHIR R4 transaction Bundle that carries the same information
 * to a general FHIR server, the way an integration without the hub would store it. The resources are those the hub
 * renders for a referral and sends to a provider's FHIR server ({@code ReferralRenderer}, {@code TaskRenderer},
 * {@code FhirRestTransaction}): Patient, Location, Encounter, the scene-safety Flag, the NEWS2, frailty and
 * respiratory-rate Observations, the ServiceRequest, and, for the categories the routing policy offers (C3-C5), a
 * Task for the offer. Each is written by its business identifier, so a retry never stores anything twice:
 *
 * <ul>
 *   <li>{@code incident.created}: every entry a conditional create ({@code ifNoneExist}): the Patient on its NHS
 *       number, the Encounter and the ServiceRequest on the CAD incident id, the others on an id derived from it;</li>
 *   <li>{@code incident.updated}: the clinical picture replaced, every entry but the Task a conditional update
 *       ({@code PUT Type?identifier=...});</li>
 *   <li>{@code incident.cancelled}: the Encounter {@code cancelled}, the ServiceRequest {@code revoked} and the Task
 *       {@code cancelled} by conditional update; the other entries stay conditional creates, so the references
 *       resolve (the hub's own revocation Bundle does the same).</li>
 * </ul>
 *
 * <p>References between entries use {@code urn:uuid} full URLs derived from the identifiers, so the same incident is
 * always the same bytes. Called from the single scheduling thread only.
 */
final class FhirBundles {

    static final String NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number";
    static final String ODS_CODE = "https://fhir.nhs.uk/Id/ods-organization-code";
    static final String CAD_INCIDENT_ID = "https://fhir.rightcare-hub.org/Id/cad-incident-id/";
    static final String RESOURCE_ID = "https://fhir.rightcare-hub.org/Id/resource-id";
    static final String SNOMED = "http://snomed.info/sct";
    static final String UCUM = "http://unitsofmeasure.org";

    /** The hub's default ambulance response targets (hub.intake.breach-minutes): the ServiceRequest's window end. */
    static final Map<String, Integer> BREACH_MINUTES = Map.of("C1", 15, "C2", 40, "C3", 120, "C4", 180, "C5", 240);

    /** The hub's default acceptance window of the generated directory's services (acceptanceWindowMinutes). */
    static final Duration ACCEPTANCE_WINDOW = Duration.ofMinutes(15);

    enum Kind {
        CREATED, UPDATED, CANCELLED
    }

    private FhirBundles() {
    }

    /** Whether the hub's routing policy offers incidents of this category to community services (a Task is sent). */
    static boolean offered(String category) {
        return category.equals("C3") || category.equals("C4") || category.equals("C5");
    }

    /**
     * @param ods the organisation the offer's Task is addressed to (the harness's directory; the hub would route)
     */
    static String transaction(Kind kind, Events.Incident incident, String ods) {
        String now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        String key = incident.cadSystem() + "/" + incident.incidentId();
        String incidentSystem = CAD_INCIDENT_ID + incident.cadSystem();
        Entry patient = new Entry("Patient", NHS_NUMBER, incident.nhsNumber());
        Entry location = new Entry("Location", RESOURCE_ID, key + "/Location");
        Entry encounter = new Entry("Encounter", incidentSystem, incident.incidentId());
        Entry flag = new Entry("Flag", RESOURCE_ID, key + "/Flag/scene-safety");
        Entry news2 = new Entry("Observation", RESOURCE_ID, key + "/Observation/news2");
        Entry frailty = new Entry("Observation", RESOURCE_ID, key + "/Observation/frailty");
        Entry respiratory = new Entry("Observation", RESOURCE_ID, key + "/Observation/obs-0");
        Entry request = new Entry("ServiceRequest", incidentSystem, incident.incidentId());
        Entry task = new Entry("Task", RESOURCE_ID, key + "/Task/offer-1");
        boolean cancelled = kind == Kind.CANCELLED;

        patient.body.append(",\"name\":[{\"use\":\"usual\",\"family\":").append(quote(incident.familyName()))
                .append(",\"given\":[").append(quote(incident.givenName())).append("]}],\"telecom\":[{\"system\":\"phone\",")
                .append("\"value\":").append(quote(incident.phone())).append("}],\"gender\":").append(quote(incident.gender()))
                .append(",\"birthDate\":").append(quote(incident.birthDate())).append(",\"address\":[{\"use\":\"home\",")
                .append("\"line\":[").append(quote(incident.addressLine())).append("],\"city\":").append(quote(Events.CITY))
                .append(",\"postalCode\":").append(quote(incident.postcode())).append("}]");

        location.body.append(",\"description\":").append(quote(Events.LOCATION_DESCRIPTION))
                .append(",\"mode\":\"instance\",\"type\":[{\"coding\":[").append(coding(
                        "https://fhir.nhs.uk/CodeSystem/location-types-bars", "ILOC", "Incident Location"))
                .append("]}],\"address\":{\"postalCode\":").append(quote(incident.postcode())).append("},\"position\":{")
                .append("\"longitude\":").append(Events.coordinate(incident.longitude())).append(",\"latitude\":")
                .append(Events.coordinate(incident.latitude())).append('}');

        encounter.body.append(",\"status\":").append(quote(cancelled ? "cancelled" : "triaged"))
                .append(",\"class\":").append(coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "EMER", "emergency"))
                .append(",\"subject\":").append(patient.reference()).append(",\"period\":{\"start\":")
                .append(quote(incident.receivedAt())).append("},\"location\":[{\"location\":").append(location.reference())
                .append("}]");

        flag.body.append(",\"status\":\"active\",\"category\":[{\"coding\":[")
                .append(coding("https://fhir.nhs.uk/CodeSystem/flag-categories-bars", "SS", "Scene Safety"))
                .append("]}],\"code\":{\"coding\":[").append(incident.sceneSafe()
                        ? coding("https://fhir.nhs.uk/CodeSystem/scene-safety-codes-bars", "S", "The Scene is safe")
                        : coding("https://fhir.nhs.uk/CodeSystem/scene-safety-codes-bars", "U", "The Scene is unsafe"))
                .append("]},\"subject\":").append(location.reference()).append(",\"period\":{\"start\":")
                .append(quote(incident.receivedAt())).append("},\"encounter\":").append(encounter.reference());

        score(news2, "1104051000000101",
                "Royal College of Physicians NEWS2 (National Early Warning Score 2) total score", incident.news2(),
                patient, encounter, now);
        score(frailty, "763264000", "Canadian Study of Health and Aging Clinical Frailty Scale score",
                incident.frailty(), patient, encounter, now);
        respiratory.body.append(",\"status\":\"final\",\"category\":[{\"coding\":[")
                .append(coding("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "Vital Signs"))
                .append("]}],\"code\":{\"text\":").append(quote(Events.RESPIRATORY_RATE)).append("},\"subject\":")
                .append(patient.reference()).append(",\"encounter\":").append(encounter.reference())
                .append(",\"effectiveDateTime\":").append(quote(incident.observedAt())).append(",\"issued\":").append(quote(now))
                .append(",\"valueQuantity\":{\"value\":").append(incident.respiratoryRate()).append(",\"unit\":\"/min\"}");

        Instant received = Instant.parse(incident.receivedAt());
        request.body.append(",\"status\":").append(quote(cancelled ? "revoked" : "active"))
                .append(",\"intent\":\"plan\",\"category\":[{\"coding\":[")
                .append(coding("https://fhir.nhs.uk/CodeSystem/message-category-servicerequest", "validation", "For Validation"))
                .append(',').append(coding("https://fhir.nhs.uk/CodeSystem/usecases-categories-bars", "a4t3",
                        "999 - Community Services"))
                .append("]},{\"coding\":[").append(coding("https://fhir.nhs.uk/CodeSystem/arp-priority-codes",
                        incident.category(), null))
                .append("]}],\"priority\":").append(quote(priority(incident.category())))
                .append(",\"reasonCode\":[{\"coding\":[").append(coding(SNOMED, incident.complaintCode(), incident.complaintDisplay()))
                .append("]},{\"coding\":[").append(coding("https://fhir.nhs.uk/CodeSystem/pathways-sg-codes", Events.SYMPTOM_GROUP, null))
                .append("]},{\"coding\":[").append(coding("https://fhir.nhs.uk/CodeSystem/pathways-sd-codes",
                        Events.SYMPTOM_DISCRIMINATOR, null))
                .append("]},{\"coding\":[").append(coding("https://fhir.nhs.uk/CodeSystem/pathways-dx-codes", Events.DISPOSITION, null))
                .append("]}],\"subject\":").append(patient.reference()).append(",\"encounter\":").append(encounter.reference())
                .append(",\"occurrencePeriod\":{\"start\":").append(quote(incident.receivedAt())).append(",\"end\":")
                .append(quote(received.plus(Duration.ofMinutes(BREACH_MINUTES.getOrDefault(incident.category(), 240))).toString()))
                .append("},\"authoredOn\":").append(quote(now)).append(",\"locationReference\":[").append(location.reference())
                .append("],\"supportingInfo\":[").append(news2.reference()).append(',').append(frailty.reference()).append(',')
                .append(respiratory.reference()).append(',').append(flag.reference()).append("],\"note\":[{\"text\":")
                .append(quote(incident.notes())).append("}]");

        List<String> entries = new ArrayList<>();
        boolean update = kind == Kind.UPDATED;
        entries.add(patient.entry(update));
        entries.add(location.entry(update));
        entries.add(encounter.entry(update || cancelled));
        entries.add(flag.entry(update));
        entries.add(news2.entry(update));
        entries.add(frailty.entry(update));
        entries.add(respiratory.entry(update));
        entries.add(request.entry(update || cancelled));
        if (offered(incident.category()) && kind != Kind.UPDATED) {
            task.body.append(",\"status\":").append(quote(cancelled ? "cancelled" : "requested"))
                    .append(",\"intent\":\"order\",\"code\":{\"coding\":[")
                    .append(coding("http://hl7.org/fhir/CodeSystem/task-code", "fulfill", "Fulfill the focal request"))
                    .append("]},\"focus\":").append(request.reference()).append(",\"for\":").append(patient.reference())
                    .append(",\"encounter\":").append(encounter.reference()).append(",\"authoredOn\":").append(quote(now))
                    .append(",\"lastModified\":").append(quote(now)).append(",\"owner\":{\"identifier\":{\"system\":")
                    .append(quote(ODS_CODE)).append(",\"value\":").append(quote(ods)).append("}},\"restriction\":{\"period\":")
                    .append("{\"end\":").append(quote(Instant.parse(now).plus(ACCEPTANCE_WINDOW).toString())).append("}}");
            entries.add(task.entry(cancelled));
        }
        return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + String.join(",", entries) + "]}";
    }

    private static void score(Entry observation, String code, String display, int value, Entry patient, Entry encounter,
            String now) {
        observation.body.append(",\"status\":\"final\",\"category\":[{\"coding\":[")
                .append(coding("http://terminology.hl7.org/CodeSystem/observation-category", "survey", "Survey"))
                .append("]}],\"code\":{\"coding\":[").append(coding(SNOMED, code, display)).append("]},\"subject\":")
                .append(patient.reference()).append(",\"encounter\":").append(encounter.reference()).append(",\"issued\":")
                .append(quote(now)).append(",\"valueQuantity\":{\"value\":").append(value)
                .append(",\"unit\":\"ScoreOf\",\"system\":").append(quote(UCUM)).append(",\"code\":\"{ScoreOf}\"}");
    }

    /** The same mapping as the hub's ReferralRenderer.priority. */
    static String priority(String category) {
        return switch (category) {
            case "C1" -> "stat";
            case "C2" -> "asap";
            case "C3" -> "urgent";
            default -> "routine";
        };
    }

    static String coding(String system, String code, String display) {
        return "{\"system\":" + quote(system) + ",\"code\":" + quote(code)
                + (display == null ? "" : ",\"display\":" + quote(display)) + "}";
    }

    /** A JSON string. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }

    /** One resource of the Bundle, identified by a business identifier; its body is filled in after the identifier. */
    private static final class Entry {
        final String type, system, value, fullUrl;
        final StringBuilder body = new StringBuilder();

        Entry(String type, String system, String value) {
            this.type = type;
            this.system = system;
            this.value = value;
            this.fullUrl = "urn:uuid:" + UUID.nameUUIDFromBytes((type + " " + system + "|" + value)
                    .getBytes(StandardCharsets.UTF_8));
        }

        String reference() {
            return "{\"reference\":" + quote(fullUrl) + "}";
        }

        /** A conditional update ({@code PUT Type?identifier=...}) or a conditional create on the identifier. */
        String entry(boolean conditionalUpdate) {
            String search = "identifier=" + system + "|" + value;
            String request = conditionalUpdate
                    ? "{\"method\":\"PUT\",\"url\":" + quote(type + "?" + search) + "}"
                    : "{\"method\":\"POST\",\"url\":" + quote(type) + ",\"ifNoneExist\":" + quote(search) + "}";
            return "{\"fullUrl\":" + quote(fullUrl) + ",\"resource\":{\"resourceType\":" + quote(type)
                    + ",\"identifier\":[{\"system\":" + quote(system) + ",\"value\":" + quote(value) + "}]" + body
                    + "},\"request\":" + request + "}";
        }
    }
}

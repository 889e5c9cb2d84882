package org.rightcare.hub.incidents;

import java.time.Instant;

import org.rightcare.hub.referral.Incident;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An incident written as an {@code incident.created} event of CAD contract v1, so generated incidents reach the hub
 * the way a CAD's do: through the webhook's parser and intake.
 */
public final class CadEventJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CadEventJson() {
    }

    public static ObjectNode created(String eventId, String cadSystem, Instant occurredAt, Incident incident) {
        ObjectNode event = JSON.createObjectNode();
        event.put("eventId", eventId);
        event.put("eventType", "incident.created");
        event.put("occurredAt", occurredAt.toString());
        event.put("cadSystem", cadSystem);
        ObjectNode n = event.putObject("incident");
        n.put("incidentId", incident.incidentId());
        n.put("receivedAt", incident.receivedAt().toString());
        n.put("category", incident.category().code());
        n.put("dispatchState", incident.dispatchState().wireValue());
        n.put("origin", incident.origin());
        if (incident.triage() != null) {
            ObjectNode triage = n.putObject("triage");
            triage.put("system", incident.triage().system());
            putIfSet(triage, "dispositionCode", incident.triage().dispositionCode());
            putIfSet(triage, "symptomGroup", incident.triage().symptomGroup());
            putIfSet(triage, "symptomDiscriminator", incident.triage().symptomDiscriminator());
            putIfSet(triage, "ampdsDeterminant", incident.triage().ampdsDeterminant());
        }
        if (incident.presentingComplaint() != null) {
            ObjectNode complaint = n.putObject("presentingComplaint");
            complaint.put("system", incident.presentingComplaint().system());
            complaint.put("code", incident.presentingComplaint().code());
            putIfSet(complaint, "display", incident.presentingComplaint().display());
        }
        Incident.Patient p = incident.patient();
        ObjectNode patient = n.putObject("patient");
        putIfSet(patient, "nhsNumber", p.nhsNumber());
        putIfSet(patient, "givenName", p.givenName());
        putIfSet(patient, "familyName", p.familyName());
        putIfSet(patient, "birthDate", p.birthDate() == null ? null : p.birthDate().toString());
        if (p.estimatedAge() != null) {
            patient.put("estimatedAge", p.estimatedAge());
        }
        putIfSet(patient, "gender", p.gender());
        ObjectNode location = n.putObject("location");
        putIfSet(location, "postcode", incident.location().postcode());
        if (incident.location().latitude() != null) {
            location.put("latitude", incident.location().latitude());
            location.put("longitude", incident.location().longitude());
        }
        putIfSet(location, "description", incident.location().description());
        if (incident.clinical() != null) {
            ObjectNode clinical = n.putObject("clinical");
            if (incident.clinical().news2() != null) {
                clinical.put("news2", incident.clinical().news2());
            }
            if (incident.clinical().clinicalFrailtyScale() != null) {
                clinical.put("clinicalFrailtyScale", incident.clinical().clinicalFrailtyScale());
            }
            if (incident.clinical().sceneSafe() != null) {
                clinical.put("sceneSafe", incident.clinical().sceneSafe());
            }
        }
        if (incident.crew() != null) {
            ObjectNode crew = n.putObject("crew");
            crew.put("callSign", incident.crew().callSign());
            putIfSet(crew, "onSceneAt", incident.crew().onSceneAt() == null ? null : incident.crew().onSceneAt().toString());
        }
        return event;
    }

    public static byte[] bytes(ObjectNode event) {
        try {
            return JSON.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A tree of plain values always serialises", e);
        }
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}

package org.rightcare.hub.directory;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.DispatchState;
import org.rightcare.hub.referral.Incident;

/** Incidents for directory rules: a C3 fall of an 88-year-old in ME14 on the clinical queue, changed one part at a time. */
final class IncidentFixtures {

    static final LocalDate TODAY = LocalDate.of(2026, 11, 22);

    private IncidentFixtures() {
    }

    static Incident fall() {
        return new Incident("INC-1", Instant.parse("2026-11-22T13:58:40Z"), ArpCategory.C3,
                DispatchState.CLINICAL_QUEUE, "999",
                new Incident.Triage("pathways", "Dx0122", "SG1044", "SD4052", null),
                new Incident.Coding("http://snomed.info/sct", "1912002", "Fall"),
                patient(LocalDate.of(1938, 4, 2), null),
                location("ME14 1AB", 51.2787, 0.5217),
                new Incident.Clinical(2, 6, List.of(), true, null),
                null);
    }

    static Incident.Patient patient(LocalDate birthDate, Integer estimatedAge) {
        return new Incident.Patient(null, "Edith", "Marsh", birthDate, estimatedAge, "female", null, null);
    }

    static Incident.IncidentLocation location(String postcode, Double latitude, Double longitude) {
        return new Incident.IncidentLocation(postcode, latitude == null ? null : BigDecimal.valueOf(latitude),
                longitude == null ? null : BigDecimal.valueOf(longitude), null);
    }

    static Incident withCategory(Incident i, ArpCategory category) {
        return new Incident(i.incidentId(), i.receivedAt(), category, i.dispatchState(), i.origin(), i.triage(),
                i.presentingComplaint(), i.patient(), i.location(), i.clinical(), i.crew());
    }

    static Incident withDispatchState(Incident i, DispatchState state) {
        return new Incident(i.incidentId(), i.receivedAt(), i.category(), state, i.origin(), i.triage(),
                i.presentingComplaint(), i.patient(), i.location(), i.clinical(), i.crew());
    }

    static Incident withPatient(Incident i, Incident.Patient patient) {
        return new Incident(i.incidentId(), i.receivedAt(), i.category(), i.dispatchState(), i.origin(), i.triage(),
                i.presentingComplaint(), patient, i.location(), i.clinical(), i.crew());
    }

    static Incident withScores(Incident i, Integer news2, Integer frailty) {
        return new Incident(i.incidentId(), i.receivedAt(), i.category(), i.dispatchState(), i.origin(), i.triage(),
                i.presentingComplaint(), i.patient(), i.location(), new Incident.Clinical(news2, frailty, List.of(),
                        true, null),
                i.crew());
    }

    static Incident withCodes(Incident i, Incident.Triage triage, Incident.Coding complaint) {
        return new Incident(i.incidentId(), i.receivedAt(), i.category(), i.dispatchState(), i.origin(), triage,
                complaint, i.patient(), i.location(), i.clinical(), i.crew());
    }
}

package org.rightcare.hub.referral;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The ambulance incident as the hub holds it: the clinical and logistical picture that the CAD sent in its
 * latest accepted event. Every FHIR resource of a referral is rendered from this record, so it is the source
 * of truth, not the FHIR resources.
 */
public record Incident(
        String incidentId,
        Instant receivedAt,
        ArpCategory category,
        DispatchState dispatchState,
        String origin,
        Triage triage,
        Coding presentingComplaint,
        Patient patient,
        IncidentLocation location,
        Clinical clinical,
        Crew crew) {

    /** A code as the CAD recorded it; {@code display} may be null. */
    public record Coding(String system, String code, String display) {
    }

    /** How the call was triaged: NHS Pathways (disposition, symptom group and discriminator) or AMPDS. */
    public record Triage(String system, String dispositionCode, String symptomGroup, String symptomDiscriminator,
            String ampdsDeterminant) {
    }

    /**
     * Who the patient is. Everything is optional except what clinical safety needs: an NHS number, or a name
     * with a birth date or an estimated age.
     */
    public record Patient(String nhsNumber, String givenName, String familyName, LocalDate birthDate,
            Integer estimatedAge, String gender, String phone, Address address) {

        /** Age in whole years on a day: from the birth date when known, else the caller's estimate; null if neither. */
        public Integer ageOn(LocalDate day) {
            if (birthDate != null) {
                return java.time.Period.between(birthDate, day).getYears();
            }
            return estimatedAge;
        }
    }

    public record Address(List<String> lines, String city, String postcode) {
    }

    /** Where the patient is now: routing is by this place, not the home address. */
    public record IncidentLocation(String postcode, BigDecimal latitude, BigDecimal longitude, String description) {
    }

    public record Clinical(Integer news2, Integer clinicalFrailtyScale, List<Observation> observations,
            Boolean sceneSafe, String notes) {
    }

    /** A free-form observation from the crew or the call handler. */
    public record Observation(String code, BigDecimal value, String unit, Instant takenAt) {
    }

    /** Present once a crew is allocated (post-dispatch). */
    public record Crew(String callSign, Instant onSceneAt) {
    }
}

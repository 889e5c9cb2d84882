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

    /** NHS Pathways symptom groups, symptom discriminators and dispositions, and AMPDS determinants. */
    public static final String PATHWAYS_SG = "https://fhir.nhs.uk/CodeSystem/pathways-sg-codes";
    public static final String PATHWAYS_SD = "https://fhir.nhs.uk/CodeSystem/pathways-sd-codes";
    public static final String PATHWAYS_DX = "https://fhir.nhs.uk/CodeSystem/pathways-dx-codes";
    public static final String AMPDS = "https://fhir.nhs.uk/CodeSystem/ampds-dispatch-codes";

    /**
     * The coded picture of the incident, as routing rules and service eligibility match it: the presenting complaint
     * and every triage code, each with its code system.
     */
    public java.util.List<Coding> codes() {
        java.util.List<Coding> codes = new java.util.ArrayList<>(5);
        if (presentingComplaint != null) {
            codes.add(new Coding(presentingComplaint.system(), presentingComplaint.code(), null));
        }
        if (triage != null) {
            addCode(codes, PATHWAYS_SG, triage.symptomGroup());
            addCode(codes, PATHWAYS_SD, triage.symptomDiscriminator());
            addCode(codes, PATHWAYS_DX, triage.dispositionCode());
            addCode(codes, AMPDS, triage.ampdsDeterminant());
        }
        return codes;
    }

    private static void addCode(java.util.List<Coding> codes, String system, String code) {
        if (code != null) {
            codes.add(new Coding(system, code, null));
        }
    }

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

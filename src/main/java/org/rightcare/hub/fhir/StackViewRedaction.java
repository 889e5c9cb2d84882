package org.rightcare.hub.fhir;

import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.rightcare.hub.directory.Catchment;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;

/**
 * Cuts a referral's resources down to its clinical stack view (a provider deciding whether to claim a case it was
 * not offered): the clinical picture stays (category, complaint and triage codes, breach time, NEWS2, frailty,
 * scene safety, age and sex); who the patient is and exactly where they are go (NHS number, name, telecom, address,
 * full birth date, coordinates, free text), as do the routing notes about other services. Each resource is marked
 * REDACTED, so a receiving system knows not to file it as the patient's record.
 */
final class StackViewRedaction {

    static final Coding REDACTED = new Coding("http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "REDACTED",
            "redacted");

    private StackViewRedaction() {
    }

    /** Redacts the resources in place and returns them. */
    static List<Resource> redact(List<Resource> resources) {
        for (Resource resource : resources) {
            resource.getMeta().addSecurity(REDACTED.copy());
            if (resource instanceof ServiceRequest request) {
                request.getIdentifier().removeIf(id -> !HubIdentifiers.REFERRAL_ID.equals(id.getSystem()));
                // Without the CAD incident id it no longer meets the hub's profile, so it does not claim it.
                request.getMeta().setProfile(new ArrayList<>());
                request.getNote().clear();
                request.getPerformer().clear();
            } else if (resource instanceof Patient patient) {
                patient.getIdentifier().clear();
                patient.getName().clear();
                patient.getTelecom().clear();
                patient.getAddress().clear();
                if (patient.hasBirthDate()) {
                    // The year is enough for an age-based eligibility rule, and far from identifying on its own.
                    patient.setBirthDateElement(new DateType(patient.getBirthDate(), TemporalPrecisionEnum.YEAR));
                }
            } else if (resource instanceof Encounter encounter) {
                encounter.getIdentifier().clear();
                encounter.getMeta().setProfile(new ArrayList<>());
            } else if (resource instanceof Location location) {
                location.setDescription(null);
                location.setPosition(null);
                String district = location.hasAddress()
                        ? Catchment.districtOf(location.getAddress().getPostalCode()).orElse(null)
                        : null;
                location.setAddress(district == null ? null : new Address().setPostalCode(district));
            } else if (resource instanceof Observation observation) {
                observation.getNote().clear();
                if (observation.getValue() instanceof StringType) {
                    observation.setValue(null);
                }
            }
        }
        // Written again from what is left: the narrative of the full view names the patient.
        Narratives.generate(resources);
        return resources;
    }
}

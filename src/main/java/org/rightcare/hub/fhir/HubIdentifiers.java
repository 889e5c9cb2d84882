package org.rightcare.hub.fhir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The identifier systems and profile canonical URLs the hub writes into FHIR resources. National systems are
 * spelled as UK Core spells them; the hub's own live under {@code https://fhir.rightcare-hub.org/}.
 */
public final class HubIdentifiers {

    public static final String NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number";
    public static final String ODS_ORGANIZATION_CODE = "https://fhir.nhs.uk/Id/ods-organization-code";
    public static final String DOS_SERVICE_ID = "https://fhir.nhs.uk/Id/dos-service-id";

    /** The hub's referral id: the UUID that is also the id of the ServiceRequest. */
    public static final String REFERRAL_ID = "https://fhir.rightcare-hub.org/Id/referral-id";

    /**
     * A resource's id at the hub ({@code Patient/<referralId>}), carried by the copies the hub writes to a provider's
     * FHIR server, where the resource gets the server's own id: the conditional create matches on it.
     */
    public static final String HUB_RESOURCE_ID = "https://fhir.rightcare-hub.org/Id/resource-id";

    /**
     * The same id as a tag (its code is the id: a label system the hub does not publish as a CodeSystem, since ids
     * cannot be listed), on the copies whose profile allows no identifier of the hub's: the Patient, whose
     * identifiers are NHS numbers only.
     */
    public static final String HUB_RESOURCE_TAG = "https://fhir.rightcare-hub.org/CodeSystem/resource-id";

    private static final String CAD_INCIDENT_ID_BASE = "https://fhir.rightcare-hub.org/Id/cad-incident-id/";

    private static final String PROFILE_BASE = "https://fhir.rightcare-hub.org/StructureDefinition/rightcare-";

    public static final String SERVICE_REQUEST_PROFILE = PROFILE_BASE + "ServiceRequest";
    public static final String PATIENT_PROFILE = PROFILE_BASE + "Patient";
    public static final String ENCOUNTER_PROFILE = PROFILE_BASE + "Encounter";
    public static final String LOCATION_PROFILE = PROFILE_BASE + "Location";
    public static final String OBSERVATION_PROFILE = PROFILE_BASE + "Observation";
    public static final String FLAG_PROFILE = PROFILE_BASE + "Flag";

    private HubIdentifiers() {
    }

    /**
     * Incident ids are only unique within one CAD system, so each CAD system gets its own identifier system. The
     * CAD system id is percent-encoded so that any configured id still makes a valid URI.
     */
    public static String cadIncidentId(String cadSystem) {
        if (cadSystem == null || cadSystem.isBlank()) {
            throw new IllegalArgumentException("cadSystem is required for a CAD incident identifier system");
        }
        return CAD_INCIDENT_ID_BASE + URLEncoder.encode(cadSystem, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

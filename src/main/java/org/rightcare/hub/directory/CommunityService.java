package org.rightcare.hub.directory;

import java.time.Duration;

/**
 * One service in the directory: a team that can take an ambulance patient instead of an emergency department,
 * with everything routing needs to decide whether to offer it a case and how to deliver the offer.
 *
 * @param id the hub's id for the service, stable across directory changes (lower case, digits and dashes)
 * @param odsCode the ODS code of the organisation that runs the service
 * @param dosServiceId the service's id in the NHS Directory of Services; null when it has none
 * @param acceptanceWindow how long the service has to answer an offer before the hub moves on
 * @param active false keeps the entry but offers the service nothing (FHIR HealthcareService.active)
 */
public record CommunityService(String id, String name, ServiceType type, String odsCode, String organisationName,
        String dosServiceId, Catchment catchment, OpeningHours openingHours, Eligibility eligibility,
        Duration acceptanceWindow, DeliveryEndpoint endpoint, boolean active) {
}

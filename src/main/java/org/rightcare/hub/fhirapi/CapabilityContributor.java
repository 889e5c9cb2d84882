package org.rightcare.hub.fhirapi;

import java.net.URI;

import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;

/**
 * A feature that serves part of the FHIR API from its own package (subscriptions, BaRS messaging) declares that part
 * of the CapabilityStatement itself, beside the endpoint that serves it; {@link CapabilityStatementFactory} collects
 * every contributor. The CapabilityStatement test exercises every declared interaction, so a declaration cannot drift
 * from its endpoint.
 */
public interface CapabilityContributor {

    /**
     * Declares what the feature serves: resources and operations in {@code rest}, messaging in {@code statement}.
     *
     * @param fhirBase the FHIR API's absolute base URL, for canonicals and endpoints
     */
    void contribute(CapabilityStatement statement, CapabilityStatementRestComponent rest, URI fhirBase);
}

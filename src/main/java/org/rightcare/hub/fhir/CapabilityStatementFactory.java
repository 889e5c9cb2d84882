package org.rightcare.hub.fhir;

import java.net.URI;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementKind;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceVersionPolicy;
import org.hl7.fhir.r4.model.CapabilityStatement.RestfulCapabilityMode;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;

/**
 * What the FHIR API does, said truthfully: only the interactions that {@link FhirReadResource} and
 * {@link FhirTaskResource} serve are declared. A test exercises every declared interaction and tries every undeclared
 * one, so the statement cannot drift from the server.
 */
@ApplicationScoped
public class CapabilityStatementFactory {

    /** Each readable type with the project profile it is rendered to. */
    static final Map<String, String> PROFILES = Map.of(
            "ServiceRequest", HubIdentifiers.SERVICE_REQUEST_PROFILE,
            "Patient", HubIdentifiers.PATIENT_PROFILE,
            "Encounter", HubIdentifiers.ENCOUNTER_PROFILE,
            "Location", HubIdentifiers.LOCATION_PROFILE,
            "Observation", HubIdentifiers.OBSERVATION_PROFILE,
            "Flag", HubIdentifiers.FLAG_PROFILE);

    /** The service directory's types, readable by id and rendered to core FHIR R4 without a project profile. */
    static final Set<String> DIRECTORY_TYPES = Set.of("HealthcareService", "Organization", "Endpoint");

    /** Every type the server reads by id. */
    static final Set<String> READABLE_TYPES = Stream.concat(PROFILES.keySet().stream(), DIRECTORY_TYPES.stream())
            .collect(Collectors.toUnmodifiableSet());

    /**
     * Offers, read and answered (updated) by the organisation offered the case. Rendered to core R4 without a project
     * profile: {@link TaskRenderer} follows the BaRS and FHIR workflow usage, but no profile in {@code fhir-profiles/}
     * describes it yet, so none is claimed.
     */
    static final String OFFER_TYPE = "Task";

    private final String version;
    private final Date started = new Date();

    public CapabilityStatementFactory(@ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this.version = version;
    }

    public CapabilityStatement build(URI fhirBase) {
        CapabilityStatement statement = new CapabilityStatement();
        statement.setStatus(PublicationStatus.ACTIVE)
                .setDate(started)
                .setPublisher("rightcare-hub")
                .setKind(CapabilityStatementKind.INSTANCE)
                .setFhirVersion(FHIRVersion._4_0_1)
                .addFormat("application/fhir+json")
                .addFormat("application/fhir+xml");
        statement.getSoftware().setName("rightcare-hub").setVersion(version);
        statement.getImplementation().setDescription("rightcare-hub FHIR facade").setUrl(stripSlash(fhirBase));

        CapabilityStatementRestComponent rest = statement.addRest().setMode(RestfulCapabilityMode.SERVER);
        rest.setDocumentation("Resources are rendered from the hub's referrals, offers and service directory; every "
                + "interaction needs an OAuth 2.0 bearer token.");
        rest.getSecurity()
                .setCors(false)
                .setDescription("Bearer tokens from the hub's OIDC provider (client credentials for systems).")
                .addService(new CodeableConcept(new Coding()
                        .setSystem("http://terminology.hl7.org/CodeSystem/restful-security-service")
                        .setCode("OAuth").setDisplay("OAuth")));
        READABLE_TYPES.stream().sorted().forEach(type -> rest.addResource()
                .setType(type)
                .setProfile(PROFILES.get(type))
                .addInteraction(new CapabilityStatement.ResourceInteractionComponent()
                        .setCode(TypeRestfulInteraction.READ)));
        // After the readable types, so every type stays in alphabetical order.
        rest.addResource()
                .setType(OFFER_TYPE)
                .setDocumentation("One Task per offer of a referral to a service: focus the ServiceRequest, owner the "
                        + "service's organisation, restriction.period.end the deadline to answer. Only that "
                        + "organisation reads or updates it. An update answers the offer: only status (received, "
                        + "accepted, rejected, in-progress, completed) and statusReason (a rejected-reasons-bars or "
                        + "dos-rejected-reasons-bars code, required to reject) are read; If-Match is honoured.")
                .setVersioning(ResourceVersionPolicy.VERSIONEDUPDATE)
                .setUpdateCreate(false)
                .addInteraction(new CapabilityStatement.ResourceInteractionComponent()
                        .setCode(TypeRestfulInteraction.READ))
                .addInteraction(new CapabilityStatement.ResourceInteractionComponent()
                        .setCode(TypeRestfulInteraction.UPDATE));
        return statement;
    }

    private static String stripSlash(URI base) {
        String text = base.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}

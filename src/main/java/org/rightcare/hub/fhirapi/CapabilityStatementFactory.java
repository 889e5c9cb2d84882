package org.rightcare.hub.fhirapi;

import java.net.URI;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementKind;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceVersionPolicy;
import org.hl7.fhir.r4.model.CapabilityStatement.RestfulCapabilityMode;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.rightcare.hub.fhir.HubIdentifiers;
import org.rightcare.hub.fhir.TaskRenderer;
import org.rightcare.hub.fhirapi.search.SearchParameter;
import org.rightcare.hub.fhirapi.search.SearchableType;
import org.rightcare.hub.support.PublicUrls;

import io.quarkus.arc.All;

/**
 * What the FHIR API does, said truthfully: only the interactions, search parameters and operations that
 * {@link FhirReadResource}, {@link FhirTaskResource} and {@link SetCapacityOperation} serve are declared here (search
 * parameters straight from {@link SearchableType}, which the searches parse), then what each
 * {@link CapabilityContributor} declares of its own endpoints (subscriptions, BaRS messaging). A test exercises every
 * declared interaction and tries every undeclared one, so the statement cannot drift from the server.
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
    static final Set<String> DIRECTORY_TYPES = Set.of("HealthcareService", "Organization", "Endpoint",
            "OperationDefinition");

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
    private final List<CapabilityContributor> contributors;
    private final Date started = new Date();

    public CapabilityStatementFactory(
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version,
            @All List<CapabilityContributor> contributors) {
        this.version = version;
        this.contributors = List.copyOf(contributors);
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
        statement.getImplementation().setDescription("rightcare-hub FHIR facade")
                .setUrl(PublicUrls.withoutTrailingSlash(fhirBase));

        CapabilityStatementRestComponent rest = statement.addRest().setMode(RestfulCapabilityMode.SERVER);
        rest.setDocumentation("Resources are rendered from the hub's referrals, offers and service directory; every "
                + "interaction needs an OAuth 2.0 bearer token.");
        rest.getSecurity()
                .setCors(false)
                .addService(new CodeableConcept(new Coding()
                        .setSystem("http://terminology.hl7.org/CodeSystem/restful-security-service")
                        .setCode("OAuth").setDisplay("OAuth")));
        rest.getSecurity().setDescription("Bearer tokens from the hub's OIDC provider (client credentials for "
                + "systems). The token's roles (provider, cad, hub-clinician, hub-admin, auditor) decide which "
                + "resource types a caller may read or write; SMART system scopes in the token (system/Task.write, "
                + "system/ServiceRequest.read, ...), when present, narrow that further. A provider sees the cases "
                + "offered to its organisation (ODS code from the token) and, redacted, the open category 3 and 4 "
                + "cases its services may claim; anything else answers 404.");
        rest.setDocumentation(rest.getDocumentation() + " Searches answer searchset Bundles, newest change first "
                + "(_sort=-_lastUpdated; _lastUpdated for oldest first), _count 1-100 (default 20), with a next "
                + "link carrying an opaque _page token. Unknown search parameters are refused with 400 unless the "
                + "request says Prefer: handling=lenient. Creates, updates and patches answer with the resource "
                + "as it now is, or, when the request says Prefer: return=minimal, with no body (the ETag, "
                + "Last-Modified and Location headers say what happened), or with Prefer: return=OperationOutcome, "
                + "an OperationOutcome.");
        for (String type : READABLE_TYPES.stream().sorted().toList()) {
            CapabilityStatementRestResourceComponent resource = rest.addResource().setType(type)
                    .setProfile(PROFILES.get(type));
            resource.addInteraction().setCode(TypeRestfulInteraction.READ);
            if (type.equals("HealthcareService")) {
                resource.addOperation().setName(SetCapacityOperation.NAME)
                        .setDefinition(PublicUrls.withoutTrailingSlash(fhirBase) + "/OperationDefinition/"
                                + SetCapacityOperation.DEFINITION_ID)
                        .setDocumentation("A provider publishes its own service's capacity (RAG, places)");
            }
            SearchableType.of(type).ifPresent(searchable -> declareSearch(resource, searchable));
        }
        // After the readable types, so every type stays in alphabetical order.
        CapabilityStatementRestResourceComponent task = rest.addResource()
                .setType(OFFER_TYPE)
                .setDocumentation("One Task per offer of a referral to a service: focus the ServiceRequest, owner the "
                        + "service's organisation, restriction.period.end the deadline to answer. Only that "
                        + "organisation reads or answers it. Update (PUT) or JSON Patch (PATCH, "
                        + "application/json-patch+json) answers the offer: only status (received, accepted, "
                        + "rejected, in-progress, completed) and statusReason (a rejected-reasons-bars or "
                        + "dos-rejected-reasons-bars code, required to reject) are read; If-Match is honoured (412 "
                        + "when stale), an illegal step is 409. Create (POST) claims a case from the provider's "
                        + "clinical stack: status accepted, focus the ServiceRequest, and an input of type "
                        + "healthcare-service naming the HealthcareService when several of its services could "
                        + "take it; 409 when another service was first.")
                .setVersioning(ResourceVersionPolicy.VERSIONEDUPDATE)
                .setUpdateCreate(false)
                .setConditionalCreate(false);
        for (TypeRestfulInteraction interaction : new TypeRestfulInteraction[] { TypeRestfulInteraction.READ,
                TypeRestfulInteraction.UPDATE, TypeRestfulInteraction.PATCH, TypeRestfulInteraction.CREATE }) {
            task.addInteraction().setCode(interaction);
        }
        declareSearch(task, SearchableType.TASK);
        CapabilityStatementRestResourceComponent audit = rest.addResource().setType("AuditEvent")
                .setDocumentation("The audit trail: every read, search and change of patient data and every "
                        + "refused call; the auditor role only.");
        declareSearch(audit, SearchableType.AUDIT_EVENT);
        contributors.forEach(contributor -> contributor.contribute(statement, rest, fhirBase));
        return statement;
    }

    private static void declareSearch(CapabilityStatementRestResourceComponent resource, SearchableType type) {
        resource.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
        for (SearchParameter parameter : type.parameters()) {
            resource.addSearchParam().setName(parameter.name()).setType(parameter.type())
                    .setDocumentation(parameter.documentation());
        }
        type.includes().forEach(resource::addSearchInclude);
    }
}

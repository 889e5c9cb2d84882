package org.rightcare.hub.fhirapi;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.r4.model.Resource;
import org.rightcare.hub.directory.CapacityService;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.fhir.DirectoryRenderer;
import org.rightcare.hub.support.PublicUrls;

import io.smallrye.mutiny.Uni;

/**
 * Reads of the directory through {@code /fhir}: HealthcareService and Endpoint by service id, Organization by ODS
 * code, from the current directory with the service's live capacity; and the OperationDefinition of
 * {@code $set-capacity}, which providers use to publish that capacity.
 */
@ApplicationScoped
public class DirectoryReads {

    private final ServiceDirectory directory;
    private final CapacityService capacity;
    private final DirectoryRenderer renderer;
    private final PublicUrls urls;

    public DirectoryReads(ServiceDirectory directory, CapacityService capacity, DirectoryRenderer renderer,
            PublicUrls urls) {
        this.directory = directory;
        this.capacity = capacity;
        this.renderer = renderer;
        this.urls = urls;
    }

    /** Empty when the directory has no such resource. */
    public Uni<Optional<Resource>> read(String type, String id) {
        switch (type) {
            case "HealthcareService":
                Optional<CommunityService> service = directory.find(id);
                if (service.isEmpty()) {
                    return Uni.createFrom().item(Optional.empty());
                }
                return capacity.current(List.of(id)).map(now -> Optional.<Resource> of(
                        renderer.healthcareService(service.get(), now.get(id))));
            case "Endpoint":
                return Uni.createFrom().item(directory.find(id).flatMap(renderer::endpoint).map(Resource.class::cast));
            case "Organization":
                // One ODS code has one name throughout the directory; the directory rules make sure of it.
                return Uni.createFrom().item(directory.services().stream()
                        .filter(s -> s.odsCode().equals(id))
                        .findFirst()
                        .<Resource> map(s -> renderer.organization(s.odsCode(), s.organisationName())));
            case "OperationDefinition":
                return Uni.createFrom().item(SetCapacityOperation.DEFINITION_ID.equals(id)
                        ? Optional.of(SetCapacityOperation.definition(PublicUrls.withoutTrailingSlash(urls.fhirBase())))
                        : Optional.empty());
            default:
                return Uni.createFrom().item(Optional.empty());
        }
    }
}

package org.rightcare.hub.board;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.directory.Capacity;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.DirectoryAdminService;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.security.Caller;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * A community team publishes its services' capacity on the board, through the directory's own operation (audited
 * under the person, as the admin API and {@code $set-capacity} are). A team may change only its own services; the
 * hub's staff, who may already do so through the admin API, may set any service's.
 */
@ApplicationScoped
public class BoardCapacity {

    /** One of the team's services and what it last said about its capacity. */
    public record ServiceCapacity(String id, String name, String type, String organisation, String rag,
            Integer places) {

        public String ragWords() {
            return switch (rag) {
                case "GREEN" -> "Green: taking referrals";
                case "AMBER" -> "Amber: under pressure";
                case "RED" -> "Red: not taking referrals";
                default -> "Not known";
            };
        }
    }

    private final ServiceDirectory directory;
    private final DirectoryAdminService admin;

    public BoardCapacity(ServiceDirectory directory, DirectoryAdminService admin) {
        this.directory = directory;
        this.admin = admin;
    }

    public Uni<List<ServiceCapacity>> servicesOf(Caller caller) {
        List<CommunityService> own = own(caller);
        if (own.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Multi.createFrom().iterable(own).onItem().transformToUniAndConcatenate(service -> admin
                .capacity(service.id()).map(capacity -> new ServiceCapacity(service.id(), service.name(),
                        service.type().display(), service.organisationName(), capacity.rag().name(),
                        capacity.places())))
                .collect().asList();
    }

    /** False when the service is not one the caller may set (its organisation's, or any for the hub's staff). */
    public Uni<Boolean> update(Caller caller, String serviceId, Capacity.Rag rag, Integer places) {
        if (own(caller).stream().noneMatch(s -> s.id().equals(serviceId))) {
            return Uni.createFrom().item(false);
        }
        return admin.updateCapacity(serviceId, rag, places, caller.actor()).replaceWith(true);
    }

    private List<CommunityService> own(Caller caller) {
        if (caller.isHubStaff()) {
            return directory.services();
        }
        if (!caller.isProvider()) {
            return List.of();
        }
        return directory.services().stream().filter(s -> s.odsCode().equals(caller.organisation())).toList();
    }
}

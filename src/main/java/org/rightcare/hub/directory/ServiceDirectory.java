package org.rightcare.hub.directory;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * The current service directory, for routing: answered from memory so that every routing decision can look at
 * every service without a database round trip. Capacity is not part of it; {@link CapacityService} reads that live.
 */
public interface ServiceDirectory {

    /** Every service, active or not, ordered by id. */
    List<CommunityService> services();

    /**
     * The services with the directory version they were read at, as one consistent pair: what a routing decision
     * records, so its explanation can be rebuilt later from the same directory.
     */
    Snapshot snapshot();

    /** The directory at one version: every service, ordered by id. */
    record Snapshot(long version, List<CommunityService> services) {
    }

    Optional<CommunityService> find(String serviceId);

    /**
     * Brings this copy up to the database's version, read on the caller's connection (a caller inside a transaction
     * must not ask the pool for a second one): one cheap query when it is current. A re-check that a directory change
     * asked for calls it first, so it never judges by the directory as it was before that change.
     */
    Uni<Void> catchUp(SqlClient client);

    /** Where the service takes deliveries of this kind now; empty when it is unknown or takes them another way. */
    default Optional<URI> endpointUrl(String serviceId, DeliveryEndpoint.Kind kind) {
        return find(serviceId).map(CommunityService::endpoint).filter(e -> e.kind() == kind)
                .map(DeliveryEndpoint::url);
    }
}

package org.rightcare.hub.directory;

import java.util.List;
import java.util.Optional;

/**
 * The current service directory, for routing: answered from memory so that every routing decision can look at
 * every service without a database round trip. Capacity is not part of it; {@link CapacityService} reads that live.
 */
public interface ServiceDirectory {

    /** Every service, active or not, ordered by id. */
    List<CommunityService> services();

    Optional<CommunityService> find(String serviceId);
}

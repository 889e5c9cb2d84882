package org.rightcare.hub.bars;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Who the hub is when it sends BaRS messages to community services' {@code bars} endpoints. */
@ConfigMapping(prefix = "hub.bars")
public interface BarsConfig {

    /**
     * The hub's own service id in the Directory of Services (its entry in the BaRS Endpoint Catalogue): the
     * MessageHeader's source endpoint, where receivers address their answers. Without it no BaRS message can be
     * sent: offers to {@code bars} endpoints become dead letters at once, visible to operators.
     */
    Optional<String> dosServiceId();

    /** The ODS code of the organisation that runs the hub: the sending Organization and the end-user organisation. */
    Optional<String> odsCode();

    /** The sending organisation's name, and MessageHeader.source.name. */
    @WithDefault("RightCare hub")
    String organisationName();
}

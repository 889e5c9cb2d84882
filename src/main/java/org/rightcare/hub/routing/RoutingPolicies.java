package org.rightcare.hub.routing;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.rightcare.hub.support.ConfigFiles;
import org.rightcare.hub.support.InvalidConfigurationException;

import io.quarkus.runtime.Startup;

/**
 * The routing policy in force. Loaded at start from {@code hub.routing.policy-file} (the hub refuses to start with an
 * invalid one) and reloadable: a reload with an invalid file is refused and the running policy kept.
 */
@Startup
@ApplicationScoped
public class RoutingPolicies {

    private static final Logger LOG = Logger.getLogger(RoutingPolicies.class);

    private final RoutingConfig config;
    private final AtomicReference<RoutingPolicy> current = new AtomicReference<>();

    public RoutingPolicies(RoutingConfig config) {
        this.config = config;
        try {
            current.set(read(config.policyFile()));
        } catch (InvalidConfigurationException e) {
            LOG.errorf("The routing policy %s is invalid, so the hub does not start. Fix every problem below:%n%s",
                    config.policyFile(), e.getMessage());
            throw e;
        }
        LOG.infof("Routing policy %s: %d rules", config.policyFile(), current.get().rules().size());
    }

    public RoutingPolicy current() {
        return current.get();
    }

    /** Reads the configured file again; throws (keeping the running policy) if it is invalid. */
    public RoutingPolicy reload() {
        RoutingPolicy policy = read(config.policyFile());
        current.set(policy);
        return policy;
    }

    /** Replaces the policy in force, e.g. with a what-if variant or a test policy. */
    public void use(RoutingPolicy policy) {
        current.set(policy);
    }

    static RoutingPolicy read(String location) {
        return RoutingPolicyLoader.load(location, new String(ConfigFiles.read(location), StandardCharsets.UTF_8));
    }
}

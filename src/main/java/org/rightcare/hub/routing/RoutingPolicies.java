package org.rightcare.hub.routing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;

/**
 * The routing policy in force. Loaded at start from {@code hub.routing.policy-file} (the hub refuses to start with an
 * invalid one) and reloadable: a reload with an invalid file is refused and the running policy kept.
 */
@Startup
@ApplicationScoped
public class RoutingPolicies {

    private static final Logger LOG = Logger.getLogger(RoutingPolicies.class);
    private static final String CLASSPATH = "classpath:";

    private final RoutingConfig config;
    private final AtomicReference<RoutingPolicy> current = new AtomicReference<>();

    public RoutingPolicies(RoutingConfig config) {
        this.config = config;
        current.set(read(config.policyFile()));
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
        return RoutingPolicyLoader.load(location, text(location));
    }

    private static String text(String location) {
        try {
            if (location.startsWith(CLASSPATH)) {
                String resource = location.substring(CLASSPATH.length());
                try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalStateException("No routing policy on the classpath at " + resource);
                    }
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return Files.readString(Path.of(location));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the routing policy " + location, e);
        }
    }
}

package org.rightcare.hub.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.health.api.Wellness;

/**
 * Whether the hub reaches its OIDC provider, checked in the background by fetching the provider's discovery document.
 * CAD intake needs only the database, so this is a {@code well} check (shown in {@code /q/health} and
 * {@code /q/health/well}), never readiness: a provider outage must not take every pod out of the Service and stop the
 * webhooks. The gauge {@code rightcare_identity_provider_up} (1 or 0) feeds the RightcareIdentityProviderDown alert.
 * With no provider configured (demo and tests verify tokens with a local key) the provider is up by definition.
 */
@Wellness
@Startup
@ApplicationScoped
public class IdentityProviderHealth implements HealthCheck {

    static final String NAME = "identity-provider";
    static final String GAUGE = "rightcare.identity.provider.up";

    private static final Logger LOG = Logger.getLogger(IdentityProviderHealth.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Optional<URI> discovery;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    /** The last probe's error, or empty when the provider answered (or none is configured). */
    private final AtomicReference<Optional<String>> lastError = new AtomicReference<>(Optional.empty());

    public IdentityProviderHealth(@ConfigProperty(name = "quarkus.oidc.auth-server-url") Optional<String> serverUrl,
            MeterRegistry registry) {
        this.discovery = serverUrl.filter(url -> !url.isBlank())
                .map(url -> URI.create(url.replaceAll("/+$", "") + "/.well-known/openid-configuration"));
        Gauge.builder(GAUGE, this, health -> health.up() ? 1 : 0)
                .description("1 while the hub reaches its OIDC provider's discovery document, 0 when it cannot")
                .register(registry);
        probe();
    }

    public boolean up() {
        return lastError.get().isEmpty();
    }

    @Scheduled(every = "${hub.security.identity-provider-check-interval:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void probe() {
        if (discovery.isEmpty()) {
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(discovery.get()).timeout(TIMEOUT).GET().build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            Optional<String> error = failure != null ? Optional.of(failure.toString())
                    : response.statusCode() == 200 ? Optional.<String> empty()
                            : Optional.of("HTTP " + response.statusCode());
            Optional<String> previous = lastError.getAndSet(error);
            if (error.isPresent() && previous.isEmpty()) {
                LOG.warnf("Identity provider %s unreachable: %s (CAD intake continues; token checks answer 503)",
                        discovery.get(), error.get());
            } else if (error.isEmpty() && previous.isPresent()) {
                LOG.infof("Identity provider %s reachable again", discovery.get());
            }
        });
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder health = HealthCheckResponse.named(NAME).status(up());
        discovery.ifPresentOrElse(url -> health.withData("discovery", url.toString()),
                () -> health.withData("verifier", "local key (no provider configured)"));
        lastError.get().ifPresent(error -> health.withData("error", error));
        return health.build();
    }
}

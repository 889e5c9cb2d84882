package org.rightcare.hub.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;

/**
 * Sends one delivery attempt over HTTP and says what came of it. Owns the timeouts and the translation of every
 * answer and every failure into a {@link DeliveryOutcome}: it never fails, so the dispatcher always learns the
 * outcome.
 *
 * <p>
 * 2xx is delivered. No answer (refused, reset, timed out), 5xx, 408, 425 and 429 are failures worth retrying.
 * Any other answer (4xx such as 400, 404 or 410 Gone; 3xx, since a redirected POST would resend the body somewhere
 * unintended) rejects the message itself: retrying for hours would not change it, so it becomes a dead letter at once
 * and an operator replays it once the receiver is fixed.
 */
@ApplicationScoped
public class HttpDeliveryClient {

    private final WebClient client;
    /** Clients with a client certificate (mutual TLS), by the endpoint URL prefix they serve, longest first. */
    private final List<Map.Entry<String, WebClient>> mutualTls = new ArrayList<>();
    private final Duration requestTimeout;

    public HttpDeliveryClient(Vertx vertx, DeliveryConfig config, ClientTlsConfig clientTls,
            TlsConfigurationRegistry tlsRegistry) {
        this.requestTimeout = config.requestTimeout();
        this.client = WebClient.create(vertx, options(config));
        clientTls.endpoints().forEach((name, prefixes) -> {
            TlsConfiguration tls = tlsRegistry.get(name).orElseThrow(() -> new IllegalStateException("hub.client-tls"
                    + ".endpoints." + name + " names a TLS configuration that is not set (quarkus.tls." + name + ".*)"));
            WebClientOptions options = options(config).setSsl(true).setKeyCertOptions(tls.getKeyStoreOptions());
            if (tls.getTrustStoreOptions() != null) {
                options.setTrustOptions(tls.getTrustStoreOptions());
            }
            WebClient mutual = WebClient.create(vertx, options);
            prefixes.forEach(prefix -> mutualTls.add(Map.entry(prefix, mutual)));
        });
        mutualTls.sort(Comparator.comparingInt((Map.Entry<String, WebClient> e) -> e.getKey().length()).reversed());
    }

    private static WebClientOptions options(DeliveryConfig config) {
        return new WebClientOptions()
                .setConnectTimeout(Math.toIntExact(config.connectTimeout().toMillis()))
                .setFollowRedirects(false)
                // The dispatcher bounds concurrency itself; the per-host pool must never be the tighter limit, or
                // receivers sharing a host would queue behind each other inside the client.
                .setMaxPoolSize(config.maxInFlight())
                // Each attempt has its own span (DeliveryTracing), in the trace of the work that wrote the delivery,
                // not of whatever woke the dispatcher: Vert.x must neither trace it again nor replace its header.
                .setTracingPolicy(TracingPolicy.IGNORE)
                .setUserAgent("rightcare-hub");
    }

    /** The client for an endpoint: the mutual TLS one of the longest matching prefix, else the plain one. */
    private WebClient clientFor(String url) {
        return mutualTls.stream().filter(entry -> url.startsWith(entry.getKey())).map(Map.Entry::getValue).findFirst()
                .orElse(client);
    }

    public Uni<DeliveryOutcome> post(DeliveryRequest request) {
        HttpRequest<Buffer> post = clientFor(request.url().toString()).postAbs(request.url().toString())
                // Vert.x's timeout is an idle timeout that also resets a stalled connection; the deadline below
                // bounds the whole attempt.
                .timeout(requestTimeout.toMillis())
                .putHeader("Content-Type", request.contentType());
        for (Map.Entry<String, String> header : request.headers().entrySet()) {
            post.putHeader(header.getKey(), header.getValue());
        }
        return post.sendBuffer(Buffer.buffer(request.body()))
                .ifNoItem().after(requestTimeout).failWith(TimeoutException::new)
                .map(HttpDeliveryClient::outcomeOf)
                .onFailure().recoverWithItem(failure -> new DeliveryOutcome.Failed(describe(failure), null));
    }

    static DeliveryOutcome outcomeOf(HttpResponse<Buffer> response) {
        int status = response.statusCode();
        String answer = "HTTP " + status + (response.statusMessage() == null ? "" : " " + response.statusMessage());
        if (status >= 200 && status < 300) {
            return new DeliveryOutcome.Delivered(status);
        }
        if (status >= 500 || status == 408 || status == 425 || status == 429) {
            return new DeliveryOutcome.Failed(answer, retryAfter(response.getHeader("Retry-After")));
        }
        Buffer body = response.body();
        return new DeliveryOutcome.Rejected(answer, status, body == null ? null : body.toString());
    }

    /** Retry-After in seconds; the HTTP-date form is rare from webhook receivers and is ignored. */
    static Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
        } catch (NumberFormatException notSeconds) {
            return null;
        }
    }

    private String describe(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return "No answer within " + requestTimeout;
        }
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    @PreDestroy
    void close() {
        client.close();
        mutualTls.stream().map(Map.Entry::getValue).distinct().forEach(WebClient::close);
    }
}

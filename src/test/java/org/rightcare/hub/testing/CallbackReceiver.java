package org.rightcare.hub.testing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * A CAD's callback endpoint for tests: an HTTP server on 127.0.0.1 that records every request and answers as each
 * test scripts it: a status, after a delay, or by dropping the connection.
 *
 * <p>
 * Tests find their own callbacks by a marker they put in them (a service id): other code may call back about the
 * same incidents (the routing loop does), and those callbacks are recorded too but always answered 200.
 */
public final class CallbackReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the receiver answers one request. */
    public record Answer(int status, Duration delay, boolean dropConnection) {
        public static Answer status(int status) {
            return new Answer(status, Duration.ZERO, false);
        }

        public static Answer after(Duration delay, int status) {
            return new Answer(status, delay, false);
        }

        public static Answer drop() {
            return new Answer(0, Duration.ZERO, true);
        }
    }

    /** One request as received; header names in lower case. */
    public record Received(String text, String signature, String contentType, byte[] body, long receivedNanos,
            Map<String, String> headers) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public String eventId() {
            return json().path("eventId").asText();
        }
    }

    /** What happened, in order: every request received and every answer sent, by eventId. */
    public record Happening(String kind, String marker, String eventId, int status, long nanos) {
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final Map<String, Deque<Answer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Answer> otherwise = new ConcurrentHashMap<>();
    private final List<Received> received = new ArrayList<>();
    private final List<Happening> happenings = new ArrayList<>();

    public CallbackReceiver() {
        try {
            server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the callback receiver", e);
        }
    }

    /** The callback URL to give incidents. */
    public String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/cad-callbacks";
    }

    /**
     * Answers the next callbacks carrying {@code marker} in this order, then as {@link #otherwise} says (200 by
     * default).
     */
    public CallbackReceiver script(String marker, Answer... answers) {
        scripts.computeIfAbsent(marker, m -> new ArrayDeque<>()).addAll(List.of(answers));
        return this;
    }

    public CallbackReceiver otherwise(String marker, Answer answer) {
        otherwise.put(marker, answer);
        return this;
    }

    /** The callbacks carrying {@code marker}, in the order they arrived. */
    public List<Received> received(String marker) {
        synchronized (received) {
            return received.stream().filter(r -> r.text().contains(marker)).toList();
        }
    }

    /** Every request received, whoever's, in the order they arrived. */
    public List<Received> all() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public List<Happening> happenings(String marker) {
        synchronized (happenings) {
            return happenings.stream().filter(h -> marker.equals(h.marker())).toList();
        }
    }

    /** Waits until the callbacks carrying {@code marker} satisfy the condition, and returns them. */
    public List<Received> await(String marker, Predicate<List<Received>> condition, Duration within) {
        return Awaitility.await("the callbacks carrying " + marker).atMost(within).pollInterval(Duration.ofMillis(10))
                .until(() -> received(marker), condition);
    }

    public List<Received> awaitCount(String marker, int count, Duration within) {
        return await(marker, r -> r.size() >= count, within);
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            Map<String, String> headers = new HashMap<>();
            request.headers().forEach(header -> headers.put(header.getKey().toLowerCase(), header.getValue()));
            Received r = new Received(body.toString(), request.getHeader("X-Hub-Signature"),
                    request.getHeader("Content-Type"), body.getBytes(), System.nanoTime(), Map.copyOf(headers));
            String eventId = eventIdOf(r);
            String marker = markerOf(r);
            synchronized (received) {
                received.add(r);
            }
            note("received", marker, eventId, 0);
            Answer answer = next(marker);
            Runnable respond = () -> {
                if (answer.dropConnection()) {
                    note("dropped", marker, eventId, 0);
                    request.connection().close();
                } else {
                    note("answered", marker, eventId, answer.status());
                    request.response().setStatusCode(answer.status()).end();
                }
            };
            if (answer.delay().isZero()) {
                respond.run();
            } else {
                vertx.setTimer(answer.delay().toMillis(), t -> respond.run());
            }
        });
    }

    /** The marker of the first test whose scripts or records it matches; null for callbacks no test scripted. */
    private String markerOf(Received r) {
        for (String marker : scripts.keySet()) {
            if (r.text().contains(marker)) {
                return marker;
            }
        }
        for (String marker : otherwise.keySet()) {
            if (r.text().contains(marker)) {
                return marker;
            }
        }
        return null;
    }

    private Answer next(String marker) {
        if (marker == null) {
            return Answer.status(200);
        }
        Deque<Answer> script = scripts.get(marker);
        Answer scripted = script == null ? null : script.pollFirst();
        return scripted != null ? scripted : otherwise.getOrDefault(marker, Answer.status(200));
    }

    private void note(String kind, String marker, String eventId, int status) {
        synchronized (happenings) {
            happenings.add(new Happening(kind, marker, eventId, status, System.nanoTime()));
        }
    }

    private static String eventIdOf(Received r) {
        try {
            return r.eventId();
        } catch (RuntimeException notJson) {
            return "";
        }
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}

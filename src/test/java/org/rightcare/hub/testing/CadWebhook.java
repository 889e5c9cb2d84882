package org.rightcare.hub.testing;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.rightcare.hub.cad.WebhookSignature;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.restassured.response.Response;

/**
 * A test CAD: builds events from the JSON fixtures under {@code src/test/resources/cad/} (the same files the README's
 * curl walk-through posts), signs them as the contract says, and posts them.
 */
public final class CadWebhook {

    public static final String CAD_SYSTEM = "TEST-CAD";
    public static final String SECRET = "test-secret";
    public static final String PREVIOUS_SECRET = "test-secret-old";

    private static final ObjectMapper JSON = new ObjectMapper();

    private CadWebhook() {
    }

    /**
     * A fixture with a fresh eventId and incidentId and the test CAD system, ready to change and post. Its times are
     * moved together so that it happens now (the call a few minutes ago), since the contract refuses calls older than
     * seven days; {@link #receivedAt} says when its call was.
     */
    public static ObjectNode event(String fixture) {
        ObjectNode event = fixture(fixture);
        happenNow(event);
        event.put("eventId", UUID.randomUUID().toString());
        event.put("cadSystem", CAD_SYSTEM);
        ((ObjectNode) event.get("incident")).put("incidentId", "INC-" + UUID.randomUUID());
        event.remove("callbackUrl");
        return event;
    }

    /** When the event's call was received. */
    public static Instant receivedAt(ObjectNode event) {
        return Instant.parse(event.at("/incident/receivedAt").asText());
    }

    /** Moves every time of the event by the same amount, so that it occurs now (whole seconds). */
    private static void happenNow(ObjectNode event) {
        Instant occurred = Instant.parse(event.get("occurredAt").asText());
        Duration shift = Duration.between(occurred, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        shift(event, "occurredAt", shift);
        ObjectNode incident = (ObjectNode) event.get("incident");
        shift(incident, "receivedAt", shift);
        incident.path("clinical").path("observations")
                .forEach(observation -> shift((ObjectNode) observation, "takenAt", shift));
        if (incident.path("crew").isObject()) {
            shift((ObjectNode) incident.get("crew"), "onSceneAt", shift);
        }
    }

    private static void shift(ObjectNode holder, String field, Duration by) {
        if (holder.path(field).isTextual()) {
            holder.put(field, Instant.parse(holder.get(field).asText()).plus(by).toString());
        }
    }

    /** The same incident as {@code created}, as a new event of another type. */
    public static ObjectNode follow(ObjectNode created, String eventType, Instant occurredAt) {
        ObjectNode event = created.deepCopy();
        event.put("eventId", UUID.randomUUID().toString());
        event.put("eventType", eventType);
        event.put("occurredAt", occurredAt.toString());
        return event;
    }

    public static ObjectNode fixture(String name) {
        try (InputStream in = CadWebhook.class.getResourceAsStream("/cad/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("No fixture /cad/" + name);
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(ObjectNode event) {
        try {
            return JSON.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Response post(ObjectNode event) {
        return post(bytes(event));
    }

    public static Response post(byte[] body) {
        return postSigned(body, WebhookSignature.sign(SECRET, Instant.now(), body));
    }

    public static Response postSigned(byte[] body, String signatureHeader) {
        return given().contentType("application/json").header(WebhookSignature.HEADER, signatureHeader)
                .body(body).post("/cad/v1/events");
    }

    /**
     * The same signed post for {@link java.net.http.HttpClient}, for tests that post from many threads at once
     * (rest-assured's static configuration is not made for that).
     */
    public static HttpRequest request(URI eventsUrl, byte[] body) {
        return HttpRequest.newBuilder(eventsUrl)
                .header("Content-Type", "application/json")
                .header(WebhookSignature.HEADER, WebhookSignature.sign(SECRET, Instant.now(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    public static Response postSigned(String body, String signatureHeader) {
        return postSigned(body.getBytes(StandardCharsets.UTF_8), signatureHeader);
    }
}

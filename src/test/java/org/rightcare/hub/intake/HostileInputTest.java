package org.rightcare.hub.intake;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.cad.WebhookSignature;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.TestDatabase;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * What an attacker or a buggy CAD sends: each is refused at the door with 400, 413, 415 or 422 (a JSON pointer to the
 * offending field where there is one) and leaves no row behind; what is accepted is stored as the very bytes signed.
 */
@QuarkusTest
class HostileInputTest {

    private static final String FALL = "incident-created.json";

    @TestHTTPResource("/cad/v1/events")
    URL events;

    private static long storedEvents(ObjectNode event) {
        return TestDatabase.count("SELECT count(*) FROM cad_event WHERE cad_system = ? AND event_id = ?",
                CadWebhook.CAD_SYSTEM, event.get("eventId").asText());
    }

    /** The fixture changed by {@code change} (as JSON text, so anything can be written), posted signed. */
    private static Response postChanged(ObjectNode event, String from, String to) {
        String text = new String(CadWebhook.bytes(event), StandardCharsets.UTF_8);
        assertTrue(text.contains(from), from);
        return CadWebhook.post(text.replace(from, to).getBytes(StandardCharsets.UTF_8));
    }

    private static void refused(ObjectNode event, int status, String pointer, Consumer<ObjectNode> change) {
        change.accept(event);
        CadWebhook.post(event).then().statusCode(status).contentType("application/problem+json")
                .body("errors.pointer", hasItem(pointer));
        assertEquals(0, storedEvents(event));
    }

    @Test
    void refusesNumbersADoubleCannotHoldAt422WithTheirPointer() {
        ObjectNode event = CadWebhook.event(FALL);
        postChanged(event, "\"latitude\":51.2787", "\"latitude\":1e400").then().statusCode(422)
                .body("errors.pointer", hasItem("/incident/location/latitude"));
        postChanged(event, "\"value\":18", "\"value\":-1E400").then().statusCode(422)
                .body("errors.pointer", hasItem("/incident/clinical/observations/0/value"));
        postChanged(event, "\"crew\":null", "\"crew\":null,\"vendorExtra\":1e-999999").then().statusCode(422)
                .body("errors.pointer", hasItem("/incident/vendorExtra"));
        assertEquals(0, storedEvents(event));
    }

    @Test
    void refusesNulControlsAndUnpairedSurrogatesInAnyTextAt422() {
        ObjectNode event = CadWebhook.event(FALL);
        postChanged(event, "\"givenName\":\"Edith\"", "\"givenName\":\"Ed\\u0000ith\"").then().statusCode(422)
                .body("errors.pointer", hasItem("/incident/patient/givenName"));
        postChanged(event, "\"notes\":\"", "\"notes\":\"\\ud800").then().statusCode(422)
                .body("errors.pointer", hasItem("/incident/clinical/notes"));
        postChanged(event, "\"crew\":null", "\"crew\":null,\"x\\udc00\":1").then().statusCode(422);
        postChanged(event, "\"familyName\":\"Marsh\"", "\"familyName\":\"Ma\\u0007rsh\"").then().statusCode(422)
                .body("errors.pointer", hasItem("/incident/patient/familyName"));
        assertEquals(0, storedEvents(event));
    }

    @Test
    void refusesBytesThatAreNotUtf8At400() {
        ObjectNode event = CadWebhook.event(FALL);
        byte[] valid = CadWebhook.bytes(event);
        int at = new String(valid, StandardCharsets.UTF_8).indexOf("Edith");
        for (byte[] bad : new byte[][] { { (byte) 0xC0, (byte) 0xAF }, // an overlong '/'
                { (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80 }, // above U+10FFFF
                { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, // an encoded surrogate
                { (byte) 0xFF } }) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(valid, 0, at);
            body.writeBytes(bad);
            body.write(valid, at, valid.length - at);
            CadWebhook.post(body.toByteArray()).then().statusCode(400).contentType("application/problem+json");
        }
        assertEquals(0, storedEvents(event));
    }

    @Test
    void refusesImplausibleTimesAt422() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        refused(CadWebhook.event(FALL), 422, "/occurredAt",
                e -> e.put("occurredAt", now.plus(1, ChronoUnit.HOURS).toString()));
        refused(CadWebhook.event(FALL), 422, "/occurredAt", e -> e.put("occurredAt", "9999-12-31T23:59:59Z"));
        refused(CadWebhook.event(FALL), 422, "/occurredAt", e -> e.put("occurredAt", "0001-01-01T00:00:00Z"));
        refused(CadWebhook.event(FALL), 422, "/incident/receivedAt",
                e -> ((ObjectNode) e.get("incident")).put("receivedAt", now.minus(8, ChronoUnit.DAYS).toString()));
        refused(CadWebhook.event(FALL), 422, "/incident/receivedAt",
                e -> ((ObjectNode) e.get("incident")).put("receivedAt", now.plus(10, ChronoUnit.MINUTES).toString()));
        refused(CadWebhook.event(FALL), 422, "/incident/clinical/observations/0/takenAt",
                e -> ((ObjectNode) e.at("/incident/clinical/observations/0")).put("takenAt", "9999-01-01T00:00:00Z"));
        refused(CadWebhook.event(FALL), 422, "/incident/patient/birthDate",
                e -> ((ObjectNode) e.at("/incident/patient")).put("birthDate", "1801-01-01"));
    }

    @Test
    void refusesOverlongListsAndNonsensePostcodesAt422() {
        refused(CadWebhook.event(FALL), 422, "/incident/location/postcode",
                e -> ((ObjectNode) e.at("/incident/location")).put("postcode", "AB"));
        refused(CadWebhook.event(FALL), 422, "/incident/patient/address/lines", e -> {
            var lines = ((ObjectNode) e.at("/incident/patient/address")).putArray("lines");
            for (int i = 0; i < 11; i++) {
                lines.add("line " + i);
            }
        });
    }

    @Test
    void refusesAMalformedContentTypeWith415() throws Exception {
        byte[] body = CadWebhook.bytes(CadWebhook.event(FALL));
        HttpClient http = HttpClient.newHttpClient();
        for (String type : new String[] { "application/json; charset=\"", "no/such/type", ";;;", "text/plain",
                "application/json; charset=latin1" }) {
            HttpResponse<String> answer = http.send(signed(body).header("Content-Type", type).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(415, answer.statusCode(), type);
            assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        }
    }

    @Test
    void answersAnyOversizedBodyWithAReadable413BeforeReadingIt() throws Exception {
        byte[] huge = new byte[8 * 1024 * 1024];
        Arrays.fill(huge, (byte) ' ');
        HttpResponse<String> answer = HttpClient.newHttpClient().send(
                signed(huge).header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(413, answer.statusCode());
        assertTrue(answer.body().contains("body-too-large"), answer.body());
    }

    @Test
    void storesTheSignedBytesExactlyAsReceived() {
        ObjectNode event = CadWebhook.event(FALL);
        String pretty = event.toPrettyString().replace("\"Edith\"", "\"\\u0045dith \\u00e9\"") + "\n";
        byte[] body = pretty.getBytes(StandardCharsets.UTF_8);

        CadWebhook.post(body).then().statusCode(202);

        byte[] stored = TestDatabase.bytes("SELECT signed_body FROM cad_event WHERE cad_system = ? AND event_id = ?",
                CadWebhook.CAD_SYSTEM, event.get("eventId").asText());
        assertArrayEquals(body, stored);
        CadWebhook.post(body).then().statusCode(202).body("referralId", equalTo(TestDatabase.text(
                "SELECT referral_id::text FROM cad_event WHERE event_id = ?", event.get("eventId").asText())));
    }

    private HttpRequest.Builder signed(byte[] body) throws Exception {
        return HttpRequest.newBuilder(events.toURI())
                .header(WebhookSignature.HEADER, WebhookSignature.sign(CadWebhook.SECRET, Instant.now(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }
}

package org.rightcare.hub.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.cad.WebhookSignature;
import org.rightcare.hub.fhir.ReferralRenderer;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralRepository;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.TestDatabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The webhook as an attacker or a buggy CAD meets it: at least 10,000 seeded mutations of valid events (types, nulls,
 * unicode, numbers, dates, nesting, duplicate keys, truncation, encodings, content types, signatures, sizes) through
 * the real webhook and database. Nothing may produce a 5xx; a refused event leaves no row; every accepted event is read
 * back and rendered as FHIR (JSON and XML), and its replay answers the same. The seed is printed with any failure;
 * {@code -Dfuzz.seed=N} replays a run, {@code -Dfuzz.count=N} changes its size.
 */
@QuarkusTest
class WebhookFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Writes whatever a mutation put in a string, lone surrogates included, as JSON escapes. */
    private static final ObjectMapper ESCAPING = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int IN_FLIGHT = 16;
    /** The valid events every mutation starts from, read once (with their times made current). */
    private static final ObjectNode[] BASES = { CadWebhook.event("incident-created.json"),
            CadWebhook.event("fall-in-demo-area.json") };

    @TestHTTPResource("/cad/v1/events")
    URL events;

    @Inject
    ReferralRepository referrals;

    @Inject
    ReferralRenderer renderer;

    @Inject
    FhirContext fhir;

    @Inject
    Pool pool;

    /** One request the fuzzer sends. */
    private record Sent(String eventId, String incidentId, byte[] body, String contentType, String signature,
            String mutation) {
    }

    @Test
    void noMutationOfAValidEventHurtsTheHub() throws Exception {
        long seed = Long.getLong("fuzz.seed", new Random().nextLong());
        int count = Integer.getInteger("fuzz.count", 10_000);
        String run = "fz" + Long.toHexString(seed & 0xffffffL) + "-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            fuzz(new Random(seed), count, run);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("Webhook fuzz failed with seed " + seed + " (replay: -Dfuzz.seed=" + seed + "): "
                    + e.getMessage(), e);
        }
    }

    private void fuzz(Random random, int count, String run) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        URI uri = events.toURI();
        Map<String, String> acceptedAnswers = new ConcurrentHashMap<>();
        Map<String, Sent> acceptedEvents = new ConcurrentHashMap<>();
        List<String> serverErrors = Collections.synchronizedList(new ArrayList<>());
        Semaphore slots = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<?>> pending = Collections.synchronizedList(new ArrayList<>());
        Map<String, Integer> byStatus = new ConcurrentHashMap<>();

        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            Sent sent = mutate(random, run, i);
            slots.acquire();
            CompletableFuture<?> answer = http.sendAsync(request(uri, sent), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, failure) -> {
                        slots.release();
                        if (failure != null) {
                            serverErrors.add(sent.mutation() + ": no answer: " + failure);
                            return;
                        }
                        int status = response.statusCode();
                        byStatus.merge(String.valueOf(status), 1, Integer::sum);
                        if (status >= 500) {
                            serverErrors.add(sent.mutation() + ": " + status + " " + response.body());
                        } else if (status == 202) {
                            acceptedAnswers.put(sent.eventId(), response.body());
                            acceptedEvents.put(sent.eventId(), sent);
                        }
                    });
            pending.add(answer);
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        System.out.printf("[WebhookFuzzTest] %d mutations in %d s, answers by status %s%n", count,
                Duration.ofNanos(System.nanoTime() - started).toSeconds(), byStatus);
        assertEquals(List.of(), serverErrors.stream().limit(20).toList(), "no 5xx and no dropped connection");
        assertTrue(acceptedEvents.size() > count / 20, "the fuzzer also sends acceptable events: " + byStatus);

        // No row for a refused event; exactly one for each accepted one.
        List<String> storedIds = TestDatabase.strings("SELECT event_id FROM cad_event WHERE event_id LIKE ?",
                run + "-%");
        assertEquals(acceptedEvents.keySet(), new java.util.HashSet<>(storedIds), "stored events are the accepted ones");
        long referralRows = TestDatabase.count("SELECT count(*) FROM referral WHERE incident_id LIKE ?", run + "-%");
        assertEquals(acceptedEvents.values().stream().map(Sent::incidentId).distinct().count(), referralRows,
                "a referral for each accepted incident and none for a refused one");

        // Every accepted event is read back and rendered as FHIR, in both formats.
        List<UUID> ids = acceptedAnswers.values().stream()
                .map(body -> UUID.fromString(readTree(body).path("referralId").asText())).distinct().toList();
        for (int from = 0; from < ids.size(); from += 200) {
            List<Referral> page = referrals.findByIds(pool, ids.subList(from, Math.min(ids.size(), from + 200)))
                    .await().atMost(Duration.ofSeconds(30));
            for (Referral referral : page) {
                List<Resource> resources = renderer.render(referral);
                assertTrue(!resources.isEmpty(), referral.id() + " renders");
                for (Resource resource : resources) {
                    fhir.newJsonParser().encodeResourceToString(resource);
                    fhir.newXmlParser().encodeResourceToString(resource);
                }
            }
        }

        System.out.printf("[WebhookFuzzTest] %d accepted referrals read back and rendered; %d s so far%n", ids.size(),
                Duration.ofNanos(System.nanoTime() - started).toSeconds());

        // Replays answer as the first time did, and store nothing new.
        List<Sent> replays = new ArrayList<>(acceptedEvents.values()).subList(0, Math.min(200, acceptedEvents.size()));
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (Sent sent : replays) {
            answers.add(http.sendAsync(request(uri, sent), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < replays.size(); i++) {
            HttpResponse<String> answer = answers.get(i).get(1, TimeUnit.MINUTES);
            assertEquals(202, answer.statusCode(), replays.get(i).mutation());
            assertEquals(acceptedAnswers.get(replays.get(i).eventId()), answer.body(), "a replay's answer");
        }
        assertEquals(storedIds.size(),
                TestDatabase.count("SELECT count(*) FROM cad_event WHERE event_id LIKE ?", run + "-%"));
    }

    private HttpRequest request(URI uri, Sent sent) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofByteArray(sent.body()));
        if (sent.contentType() != null) {
            request.header("Content-Type", sent.contentType());
        }
        if (sent.signature() != null) {
            request.header(WebhookSignature.HEADER, sent.signature());
        }
        return request.build();
    }

    private static JsonNode readTree(String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(body, e);
        }
    }

    // ------------------------------------------------------------------ the mutations

    private static Sent mutate(Random random, String run, int i) {
        ObjectNode event = BASES[random.nextInt(BASES.length)].deepCopy();
        String eventId = run + "-" + i;
        String incidentId = run + "-" + i;
        event.put("eventId", eventId);
        ((ObjectNode) event.get("incident")).put("incidentId", incidentId);
        String contentType = "application/json";
        String mutation;
        byte[] body;
        int kind = random.nextInt(100);
        if (kind < 40) {
            mutation = treeMutation(random, event, 1 + random.nextInt(3));
            body = escaped(event);
        } else if (kind < 50) {
            mutation = "unchanged";
            body = CadWebhook.bytes(event);
        } else if (kind < 75) {
            mutation = "bytes";
            body = byteMutation(random, CadWebhook.bytes(event));
        } else if (kind < 85) {
            String[] types = { "application/json; charset=utf-8", "application/JSON", "text/json", "application/*",
                    "application/json; charset=iso-8859-1", "application/json; charset=\"", ";", null,
                    "multipart/form-data; boundary=x", "application/json;;", "application/json, text/plain",
                    "application/x-www-form-urlencoded" };
            contentType = types[random.nextInt(types.length)];
            mutation = "content type " + contentType;
            body = CadWebhook.bytes(event);
        } else if (kind < 87) {
            mutation = "size";
            ObjectNode extra = event.putObject("vendorPadding");
            extra.put("text", "x".repeat(random.nextInt(300 * 1024)));
            body = CadWebhook.bytes(event);
        } else {
            body = CadWebhook.bytes(event);
            String[] signatures = { null, "", "t=0,v1=00", "garbage",
                    WebhookSignature.sign("wrong-secret", Instant.now(), body),
                    WebhookSignature.sign(CadWebhook.SECRET, Instant.now().minus(1, ChronoUnit.HOURS), body),
                    WebhookSignature.sign(CadWebhook.SECRET, Instant.now(), body) + ",v1=zz",
                    "t=" + Long.MAX_VALUE + ",v1=" + "0".repeat(64), "t=" + Long.MIN_VALUE + ",v1=" + "0".repeat(64),
                    "t=99999999999999999999999,v1=00" };
            String signature = signatures[random.nextInt(signatures.length)];
            return new Sent(eventId, incidentId, body, contentType, signature, "signature " + signature);
        }
        return new Sent(eventId, incidentId, body, contentType,
                WebhookSignature.sign(CadWebhook.SECRET, Instant.now(), body), mutation);
    }

    /** Changes {@code n} random values of the tree, never the ids the accounting relies on. */
    private static String treeMutation(Random random, ObjectNode event, int n) {
        StringBuilder said = new StringBuilder();
        for (int k = 0; k < n; k++) {
            List<String> pointers = new ArrayList<>();
            collect(event, "", pointers);
            pointers.removeIf(p -> p.equals("/eventId") || p.equals("/incident/incidentId") || p.equals("/cadSystem")
                    || p.equals("/incident") || p.isEmpty());
            String pointer = pointers.get(random.nextInt(pointers.size()));
            JsonNode replacement = replacement(random);
            set(event, pointer, replacement, random);
            said.append(pointer).append(" = ").append(abbreviate(String.valueOf(replacement))).append("; ");
        }
        return said.toString();
    }

    private static void collect(JsonNode node, String at, List<String> pointers) {
        pointers.add(at);
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(name -> collect(node.get(name), at + "/" + name, pointers));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), at + "/" + i, pointers);
            }
        }
    }

    private static void set(ObjectNode root, String pointer, JsonNode value, Random random) {
        int cut = pointer.lastIndexOf('/');
        JsonNode parent = root.at(pointer.substring(0, cut));
        String last = pointer.substring(cut + 1);
        if (parent instanceof ObjectNode object) {
            if (random.nextInt(8) == 0) {
                object.remove(last);
            } else {
                object.set(last, value);
            }
        } else if (parent instanceof ArrayNode array) {
            array.set(Integer.parseInt(last), value);
        }
    }

    private static JsonNode replacement(Random random) {
        Instant now = Instant.now();
        return switch (random.nextInt(14)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextInt());
            case 3 -> NODES.numberNode(new java.math.BigDecimal(
                    List.of("1e400", "-1e400", "1e-400", "4.9e-324", "1.7976931348623157e308", "-0", "0.1",
                            "123456789012345678901234567890", "51.2787", "20", "21", "-1").get(random.nextInt(12))));
            case 4 -> NODES.textNode(unicode(random));
            case 5 -> NODES.textNode(date(random, now));
            case 6 -> NODES.textNode(List.of("C1", "C3", "C9", "clinical-queue", "dispatched", "999", "ME14 1AB", "AB",
                    "9434765919", "1938-04-02", "female", "pathways", "", " ").get(random.nextInt(14)));
            case 7 -> NODES.textNode("x".repeat(random.nextInt(5000)));
            case 8 -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(200); i > 0; i--) {
                    array.add(random.nextBoolean() ? NODES.textNode(unicode(random)) : NODES.numberNode(i));
                }
                yield array;
            }
            case 9 -> {
                JsonNode nested = NODES.textNode("deep");
                for (int i = random.nextInt(40); i > 0; i--) {
                    nested = random.nextBoolean() ? NODES.arrayNode().add(nested) : NODES.objectNode().set("n", nested);
                }
                yield nested;
            }
            case 10 -> NODES.objectNode();
            case 11 -> NODES.arrayNode();
            case 12 -> NODES.numberNode(random.nextDouble() * 400 - 200);
            default -> NODES.textNode(String.valueOf(random.nextLong()));
        };
    }

    private static String unicode(Random random) {
        String[] pieces = { "\u0000", "\ud800", "\udc00", "\ud83d\ude91", "\u202e", "e\u0301", "\uffff", "\ufeff",
                "\u0007", "\n", "\"", "\\", "Zoë", "ÆØÅ", "\u4e2d\u6587", "\u0085", "\u2028" };
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(6); i >= 0; i--) {
            text.append(pieces[random.nextInt(pieces.length)]);
        }
        return text.toString();
    }

    private static String date(Random random, Instant now) {
        return switch (random.nextInt(12)) {
            case 0 -> "+1000000000-01-01T00:00:00Z";
            case 1 -> "0000-01-01T00:00:00Z";
            case 2 -> "9999-12-31T23:59:59Z";
            case 3 -> now.plus(random.nextInt(20), ChronoUnit.MINUTES).toString();
            case 4 -> now.minus(random.nextInt(10), ChronoUnit.DAYS).toString();
            case 5 -> "2026-12-06T23:59:60Z";
            case 6 -> "2026-02-30T10:00:00Z";
            case 7 -> "2026-12-06T10:00:00";
            case 8 -> "2026-12-06";
            case 9 -> now.minus(random.nextInt(100), ChronoUnit.MINUTES).atOffset(java.time.ZoneOffset.ofHours(14))
                    .toString();
            case 10 -> "1800-01-01";
            default -> now.minusSeconds(random.nextInt(3600)).toString();
        };
    }

    /** Raw byte damage: truncation, invalid or overlong UTF-8, a BOM, duplicate keys, non-finite tokens. */
    private static byte[] byteMutation(Random random, byte[] valid) {
        String text = new String(valid, StandardCharsets.UTF_8);
        switch (random.nextInt(9)) {
            case 0:
                return java.util.Arrays.copyOf(valid, random.nextInt(valid.length));
            case 1:
                return splice(valid, random, new byte[][] { { (byte) 0xC0, (byte) 0xAF }, { (byte) 0xFF },
                        { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, { (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80 },
                        { (byte) 0xE2, (byte) 0x82 } }[random.nextInt(5)]);
            case 2:
                return ("\ufeff" + text).getBytes(StandardCharsets.UTF_8);
            case 3:
                return text.getBytes(StandardCharsets.UTF_16);
            case 4:
                return text.replaceFirst("\"category\":\"(\\w+)\"", "\"category\":\"$1\",\"category\":\"C1\"")
                        .getBytes(StandardCharsets.UTF_8);
            case 5:
                return text.replace("\"news2\":2", "\"news2\":NaN").replace("\"latitude\":51.2787", "\"latitude\":Infinity")
                        .getBytes(StandardCharsets.UTF_8);
            case 6:
                return text.replace("\"notes\":\"", "\"notes\":\"\\u0000\\ud800").getBytes(StandardCharsets.UTF_8);
            case 7:
                return (text + text).getBytes(StandardCharsets.UTF_8);
            default:
                return text.replace("}", "}}").getBytes(StandardCharsets.UTF_8);
        }
    }

    private static byte[] splice(byte[] valid, Random random, byte[] bad) {
        int at = random.nextInt(valid.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(valid, 0, at);
        out.writeBytes(bad);
        out.write(valid, at, valid.length - at);
        return out.toByteArray();
    }

    private static byte[] escaped(ObjectNode event) {
        try {
            return ESCAPING.writeValueAsBytes(event);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }
}

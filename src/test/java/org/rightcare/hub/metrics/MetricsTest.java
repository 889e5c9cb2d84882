package org.rightcare.hub.metrics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.cad.WebhookSignature;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.testing.CadCallbacks;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.Referrals;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code /q/metrics} as Prometheus scrapes it: the names, types and labels that k8s/README.md lists (the alerts and
 * the dashboard read them), and values that move by what a scripted flow did. Other tests share the registry, so
 * each check compares a value before and after.
 */
@QuarkusTest
class MetricsTest {

    static final String DOS = "https://fhir.nhs.uk/CodeSystem/dos-rejected-reasons-bars";

    @Inject
    DatabaseGauges gauges;

    @Test
    void countsOffersOutcomesSendBacksAndTimeToAcceptAfterAScriptedFlow() {
        String district = TestServices.freshDistrict();
        String key = district.toLowerCase();
        String falls = "falls-m-" + key;
        String ucr = "ucr-m-" + key;
        TestServices.install(
                TestServices.service(falls, ServiceType.FALLS_RESPONSE, "FM" + district, district, Duration.ofMinutes(10)),
                TestServices.service(ucr, ServiceType.UCR, "UM" + district, district, Duration.ofMinutes(15)));
        Scrape before = Scrape.now();

        // Accepted by the second service after the first declines for capacity.
        UUID accepted = Referrals.post(Referrals.fallIn(district, "C3"));
        Referrals.answer(Referrals.awaitOffer(accepted, 1), "FM" + district, "rejected", DOS, "22").then().statusCode(200);
        Referrals.answer(Referrals.awaitOffer(accepted, 2), "UM" + district, "accepted", null, null).then().statusCode(200);
        // Declined by both: sent back with the last service's reason.
        UUID sentBack = Referrals.post(Referrals.fallIn(district, "C3"));
        Referrals.answer(Referrals.awaitOffer(sentBack, 1), "FM" + district, "rejected", DOS, "22").then().statusCode(200);
        Referrals.answer(Referrals.awaitOffer(sentBack, 2), "UM" + district, "rejected", DOS, "23").then().statusCode(200);
        // Cancelled by the CAD while offered.
        ObjectNode created = Referrals.fallIn(district, "C3");
        UUID cancelled = Referrals.post(created);
        Referrals.awaitOffer(cancelled, 1);
        CadWebhook.post(CadWebhook.follow(created, "incident.cancelled", Instant.now())).then().statusCode(202);

        Scrape after = Scrape.now();
        assertEquals(3, after.delta(before, "rightcare_offers_total", Map.of("answer", "rejected")));
        assertEquals(1, after.delta(before, "rightcare_offers_total", Map.of("answer", "accepted")));
        assertEquals(1, after.delta(before, "rightcare_offers_total", Map.of("answer", "cancelled")));
        assertEquals(1, after.delta(before, "rightcare_referrals_total",
                Map.of("outcome", "accepted", "service_type", "ucr")));
        assertEquals(1, after.delta(before, "rightcare_referrals_total",
                Map.of("outcome", "cancelled", "service_type", "none")));
        assertTrue(after.delta(before, "rightcare_referrals_total",
                Map.of("outcome", "sent-back", "service_type", "none")) >= 1);
        assertEquals(1, after.delta(before, "rightcare_referrals_sent_back_total",
                Map.of("reason", "clinically-inappropriate")));
        assertEquals(1, after.delta(before, "rightcare_referral_time_to_accept_seconds_count",
                Map.of("service_type", "ucr")));
        assertEquals(1, after.delta(before, "rightcare_referral_time_to_accept_seconds_bucket",
                Map.of("service_type", "ucr", "le", "+Inf")));
        assertTrue(after.value("rightcare_referral_time_to_accept_seconds_bucket",
                Map.of("service_type", "ucr", "le", "120.0")) != null,
                "buckets in seconds: " + after.lines("rightcare_referral_time_to_accept_seconds_bucket"));
        // Every fixed label value exists from the start, so the first event of its kind is not lost to rate().
        for (String answer : List.of("accepted", "rejected", "timed-out", "cancelled", "undeliverable")) {
            assertTrue(after.value("rightcare_offers_total", Map.of("answer", answer)) != null, answer);
        }
        assertTrue(after.value("rightcare_referrals_sent_back_total", Map.of("reason", "no-capacity")) != null);
        // The text format names a counter's family with or without _total, depending on the client version.
        assertTrue(after.text.matches("(?s).*# TYPE rightcare_referrals(_total)? counter\n.*"),
                "referrals is a counter: " + after.lines("# TYPE rightcare_"));
        assertTrue(after.text.contains("# TYPE rightcare_referral_time_to_accept_seconds histogram"),
                "time to accept is a histogram: " + after.lines("# TYPE rightcare_"));
    }

    @Test
    void countsWebhookRejectsByStatusAndReason() {
        Scrape before = Scrape.now();
        byte[] body = CadWebhook.bytes(CadWebhook.event("incident-created.json"));
        CadWebhook.postSigned(body, WebhookSignature.sign("not-the-secret", Instant.now(), body)).then().statusCode(401);
        ObjectNode broken = CadWebhook.event("incident-created.json");
        broken.put("occurredAt", "yesterday");
        CadWebhook.post(broken).then().statusCode(422);
        CadWebhook.post("{not json".getBytes()).then().statusCode(400);

        Scrape after = Scrape.now();
        assertEquals(1, after.delta(before, "rightcare_webhook_rejected_total",
                Map.of("status", "401", "reason", "invalid-signature")));
        assertEquals(1, after.delta(before, "rightcare_webhook_rejected_total",
                Map.of("status", "422", "reason", "invalid-event")));
        assertEquals(1, after.delta(before, "rightcare_webhook_rejected_total",
                Map.of("status", "400", "reason", "malformed-json")));
    }

    @Test
    void countsAcceptedCadEventsByTypeAndCad() {
        // As OTHER-CAD, which other tests hardly post as, so their background work does not move the count.
        Scrape before = Scrape.now();
        ObjectNode created = CadWebhook.event("incident-created.json");
        created.put("cadSystem", CadCallbacks.OTHER_CAD);
        byte[] body = CadWebhook.bytes(created);
        CadWebhook.postSigned(body, WebhookSignature.sign(CadCallbacks.OTHER_SECRET, Instant.now(), body)).then()
                .statusCode(202);
        // A replay of the same event is answered again but not counted again.
        CadWebhook.postSigned(body, WebhookSignature.sign(CadCallbacks.OTHER_SECRET, Instant.now(), body)).then()
                .statusCode(202);
        Scrape after = Scrape.now();
        assertEquals(1, after.delta(before, "rightcare_cad_events_accepted_total",
                Map.of("type", "incident.created", "cad", CadCallbacks.OTHER_CAD)));
    }

    @Test
    void everyCounterSeriesOfAFixedSetExistsFromTheStartInOneLabelStyle() {
        Scrape scrape = Scrape.now();
        for (Map.Entry<String, Integer> refusal : HubMetrics.WEBHOOK_REFUSALS.entrySet()) {
            assertTrue(scrape.value("rightcare_webhook_rejected_total", Map.of("status",
                    String.valueOf(refusal.getValue()), "reason", refusal.getKey())) != null, refusal.getKey());
        }
        for (String type : HubMetrics.CAD_EVENT_TYPES) {
            assertTrue(scrape.value("rightcare_cad_events_accepted_total", Map.of("type", type, "cad", "OTHER-CAD")) != null,
                    type);
        }
        // Label values of the hub's own families are kebab-case codes: no snake_case, no upper case.
        Pattern snakeValue = Pattern.compile("^rightcare_[a-z_]+\\{[^}]*=\"[^\"]*_[^\"]*\"");
        List<String> snake = scrape.text().lines().filter(line -> snakeValue.matcher(line).find())
                .filter(line -> !line.contains("destination=")).toList();
        assertEquals(List.of(), snake);
        List<String> nameless = scrape.text().lines().filter(line -> line.matches("^(# (TYPE|HELP) )?m__.*")).toList();
        assertEquals(List.of(), nameless, "no family without a name");
    }

    @Test
    void gaugesReflectTheDatabaseOnceCollected() {
        String endpoint = "metrics-test-" + UUID.randomUUID();
        UUID id = UUID.randomUUID();
        UUID dead = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        // A pending delivery on a channel no dispatcher serves, queued two minutes ago: it stays where it is. Beside
        // it a dead letter of its own, so the dead-letter gauge has at least one to count.
        TestDatabase.execute("""
                INSERT INTO delivery_outbox (id, channel, destination, ordering_key, url, content_type, payload, state,
                                             next_attempt_at, created_at, pending_since)
                VALUES (?, 'metrics-test', ?, 'k', 'http://localhost:9/', 'application/json', '{}', 'pending',
                        ?, ?, ?)""", id, endpoint, now.plusDays(1), now.minusMinutes(2), now.minusMinutes(2));
        TestDatabase.execute("""
                INSERT INTO delivery_outbox (id, channel, destination, ordering_key, url, content_type, payload, state,
                                             next_attempt_at, created_at, pending_since, dead_at)
                VALUES (?, 'metrics-test', ?, 'k', 'http://localhost:9/', 'application/json', '{}', 'dead', ?, ?, ?, ?)""",
                dead, endpoint + "-dead", now, now.minusMinutes(2), now.minusMinutes(2), now);
        try {
            // Callbacks of other tests die while we look (their CAD is unreachable), so the count can grow during the
            // collection: the gauge holds what the database held at some moment between the two reads. CI once saw
            // the count move on 21 reads in a row, so the test no longer waits for it to hold still.
            long deadBefore = TestDatabase.count("SELECT count(*) FROM delivery_outbox WHERE state = 'dead'");
            gauges.collect().await().atMost(Duration.ofSeconds(10));
            long deadAfter = TestDatabase.count("SELECT count(*) FROM delivery_outbox WHERE state = 'dead'");
            double gauged = Scrape.now().value("rightcare_delivery_dead_letters", Map.of());
            assertTrue(gauged >= 1 && gauged >= Math.min(deadBefore, deadAfter) && gauged <= Math.max(deadBefore, deadAfter),
                    "dead letters gauged " + gauged + ", counted " + deadBefore + " then " + deadAfter);
            Scrape scrape = Scrape.now();
            assertEquals(1.0, scrape.value("rightcare_delivery_queue_depth", Map.of("destination", endpoint)));
            double age = scrape.value("rightcare_delivery_queue_age_seconds", Map.of("destination", endpoint));
            assertTrue(age >= 119 && age < 180, "queue age " + age);
            assertTrue(scrape.value("rightcare_sweeper_lag_seconds", Map.of()) >= 0);
        } finally {
            TestDatabase.execute("DELETE FROM delivery_outbox WHERE id IN (?, ?)", id, dead);
        }

        gauges.collect().await().atMost(Duration.ofSeconds(10));
        Scrape emptied = Scrape.now();
        assertEquals(0.0, emptied.value("rightcare_delivery_queue_depth", Map.of("destination", endpoint)));
        assertEquals(0.0, emptied.value("rightcare_delivery_queue_age_seconds", Map.of("destination", endpoint)));
    }

    @Test
    void stackGaugesCountReferralsStillInPlayAndTheLongestWait() {
        UUID posted = Referrals.post(CadWebhook.event("incident-created.json"));
        UUID waiting = UUID.randomUUID();
        // Its twin, offered three hours ago and never answered, with no step due: the sweeper leaves it alone.
        TestDatabase.execute("""
                INSERT INTO referral (id, cad_system, incident_id, status, category, incident, breach_at, last_event_at,
                                      version, created_at, updated_at)
                SELECT ?, cad_system, ?, 'offered', category, incident, breach_at, last_event_at, 1,
                       now() - interval '3 hours', now()
                FROM referral WHERE id = ?""", waiting, "STACK-" + waiting, posted);
        try {
            gauges.collect().await().atMost(Duration.ofSeconds(10));
            Scrape scrape = Scrape.now();
            assertTrue(scrape.value("rightcare_stack_referrals", Map.of("status", "offered")) >= 1,
                    scrape.lines("rightcare_stack").toString());
            assertTrue(scrape.value("rightcare_stack_referrals", Map.of("status", "routing")) >= 0);
            double oldest = scrape.value("rightcare_stack_oldest_seconds", Map.of());
            assertTrue(oldest >= 3 * 3600 && oldest < 4 * 3600, "the three-hour wait is the longest: " + oldest);
        } finally {
            TestDatabase.execute("DELETE FROM referral WHERE id = ?", waiting);
        }
        gauges.collect().await().atMost(Duration.ofSeconds(10));
        assertTrue(Scrape.now().value("rightcare_stack_oldest_seconds", Map.of()) < 3 * 3600,
                "gone from the stack, gone from the gauge");
    }

    // ------------------------------------------------------------------ the flow

    // ------------------------------------------------------------------ the scrape

    /** One scrape of {@code /q/metrics}, in the Prometheus text format. */
    record Scrape(String text) {

        // Labels end at the first brace: with tracing on, a counter's sample may be followed by an exemplar
        // ("# {span_id=...,trace_id=...} 1.0 <time>").
        private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*?)\\})? (\\S+)");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

        static Scrape now() {
            return new Scrape(given().get("/q/metrics").then().statusCode(200).extract().asString());
        }

        /** The sample with exactly these labels, or null when there is none. */
        Double value(String name, Map<String, String> labels) {
            for (String line : text.split("\n")) {
                Matcher sample = SAMPLE.matcher(line);
                if (sample.find() && sample.group(1).equals(name) && labels(sample.group(2)).equals(labels)) {
                    return Double.parseDouble(sample.group(3));
                }
            }
            return null;
        }

        /** How much a sample grew since {@code before}; a series that did not exist then counts from 0. */
        long delta(Scrape before, String name, Map<String, String> labels) {
            Double now = value(name, labels);
            if (now == null) {
                fail("no sample " + name + labels + " in " + lines(name));
            }
            Double then = before.value(name, labels);
            return Math.round(now - (then == null ? 0 : then));
        }

        List<String> lines(String name) {
            return text.lines().filter(line -> line.startsWith(name)).toList();
        }

        private static Map<String, String> labels(String text) {
            Map<String, String> labels = new HashMap<>();
            if (text != null) {
                Matcher label = LABEL.matcher(text);
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            return labels;
        }
    }
}

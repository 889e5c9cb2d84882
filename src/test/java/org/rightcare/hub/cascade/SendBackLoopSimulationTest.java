package org.rightcare.hub.cascade;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.cad.WebhookSignature;
import org.rightcare.hub.directory.Capacity;
import org.rightcare.hub.directory.OpeningHours;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.Slow;
import org.rightcare.hub.testing.TestClock;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The safety proof of the send-back loop: a seeded stream of random incidents (every category, complaint, age,
 * NEWS2, place, upgrades and cancels) goes through the real webhook, router, offers and database while simulated
 * providers accept, reject or stay silent, and the hub's clock moves minute by minute. Whatever happens, every
 * referral ends accepted, sent back, cancelled or completed within its time budget; no ambulance-only case is ever
 * offered; no referral is ever held by two services.
 */
@Slow
@QuarkusTest
class SendBackLoopSimulationTest {

    static final long SEED = 20261122L;
    static final int INCIDENTS = 1200;
    static final Duration STEP = Duration.ofMinutes(1);
    static final int ARRIVAL_MINUTES = 180;
    /** The longest time budget of the default policy (C5), plus the steps the sweep needs to act on it. */
    static final Duration LONGEST_BUDGET = Duration.ofMinutes(120);

    static final List<String> CATEGORIES = List.of("C3", "C3", "C3", "C4", "C4", "C5", "C4T", "C1", "C2", "HCP2", "IFT3");
    static final List<String> COMPLAINTS = List.of("1912002", "1912002", "248279007", "2776000", "54150009",
            "50417007", "21522001", "68566005", "6471006", "103735009", "302866003", "29857009", "422587007");
    static final List<String> TERMINAL = List.of("accepted", "sent-back", "cancelled", "completed");
    static final Set<String> SEND_BACK_REASONS = Set.of("no-capacity", "service-closed", "out-of-area",
            "clinically-inappropriate", "timed-out", "no-eligible-service", "not-eligible-category", "other");

    @Inject
    DueReferralSweeper sweeper;

    @Inject
    OfferAnswers answers;

    @Inject
    TestClock clock;

    final Random random = new Random(SEED);

    /**
     * What the simulated CAD did to each incident, to check the invariants against.
     *
     * @param offersWhenUpgraded the offers that existed once the hub acknowledged an upgrade to an ambulance-only
     *        category (null if never upgraded): no offer may appear after that
     */
    record Sent(String incidentId, String category, Set<String> offersWhenUpgraded) {
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void everyReferralEndsWithinItsBudgetAndNoAmbulanceOnlyCaseIsEverOffered() {
        String north = TestServices.freshDistrict();
        String south = TestServices.freshDistrict();
        String nowhere = TestServices.freshDistrict();
        Map<String, String> odsOfService = installServices(north, south);
        List<String> districts = List.of(north, north, north, south, south, nowhere);

        Map<String, ObjectNode> incidents = new HashMap<>();
        Map<String, Sent> sent = new HashMap<>();
        Map<UUID, Instant> answerAt = new HashMap<>();
        Map<UUID, String> answerOf = new HashMap<>();
        Set<UUID> seenOffers = new HashSet<>();

        Duration arrivals = Duration.ofMinutes(ARRIVAL_MINUTES);
        Duration total = arrivals.plus(LONGEST_BUDGET).plus(Duration.ofMinutes(5));
        int perStep = Math.max(1, INCIDENTS / ARRIVAL_MINUTES);
        for (Duration elapsed = Duration.ZERO; elapsed.compareTo(total) < 0; elapsed = elapsed.plus(STEP)) {
            Instant now = clock.instant();
            if (elapsed.compareTo(arrivals) < 0) {
                for (int i = 0; i < perStep; i++) {
                    ObjectNode event = randomIncident(districts);
                    String incidentId = event.at("/incident/incidentId").asText();
                    post(event, now);
                    incidents.put(incidentId, event);
                    sent.put(incidentId, new Sent(incidentId, event.at("/incident/category").asText(), null));
                }
                cadChangesItsMind(incidents, sent, now);
            }
            providersSeeNewOffers(now, odsOfService, seenOffers, answerAt, answerOf);
            providersAnswer(now, odsOfService, answerAt, answerOf);
            sweepUntilQuiet(now);
            clock.advance(STEP);
        }
        sweepUntilQuiet(clock.instant());

        List<Map<String, Object>> referrals = TestDatabase.query("""
                SELECT id, incident_id, status, category, send_back_reason, created_at, budget_ends_at, concluded_at
                FROM referral WHERE incident_id LIKE 'SIM-%'""");
        assertEquals(incidents.size(), referrals.size(), "every acknowledged incident has its referral");
        Map<String, Long> outcomes = new HashMap<>();
        for (Map<String, Object> referral : referrals) {
            String status = (String) referral.get("status");
            outcomes.merge(status, 1L, Long::sum);
            assertTrue(TERMINAL.contains(status), referral + " is still in limbo");
            assertConcludedWithinBudget(referral);
            if ("sent-back".equals(status)) {
                assertTrue(SEND_BACK_REASONS.contains((String) referral.get("send_back_reason")), referral.toString());
            }
            assertNeverOfferedWhileAmbulanceOnly(referral, sent.get((String) referral.get("incident_id")));
            assertHeldByOneServiceAtATime((UUID) referral.get("id"));
        }
        // The simulation must exercise every way out, or it proves less than it claims.
        for (String status : List.of("accepted", "sent-back", "cancelled", "completed")) {
            assertTrue(outcomes.getOrDefault(status, 0L) > 0, "no referral ended " + status + ": " + outcomes);
        }
        assertTrue(TestDatabase.count("SELECT count(*) FROM offer o JOIN referral r ON r.id = o.referral_id "
                + "WHERE r.incident_id LIKE 'SIM-%' AND o.status_reason_code = 'timed-out'") > 0, "no offer timed out");
    }

    // ------------------------------------------------------------------ the simulated world

    private Map<String, String> installServices(String north, String south) {
        OpeningHours daytime = new OpeningHours(List.of(new OpeningHours.AvailableTime(EnumSet.allOf(DayOfWeek.class),
                false, LocalTime.of(8, 0), LocalTime.of(20, 0))), List.of());
        String n = north.toLowerCase();
        String s = south.toLowerCase();
        var services = List.of(
                TestServices.service("sim-falls-" + n, ServiceType.FALLS_RESPONSE, "SF" + north, north, Duration.ofMinutes(10)),
                TestServices.service("sim-ucr-" + n, ServiceType.UCR, "SU" + north, north, Duration.ofMinutes(15)),
                TestServices.service("sim-vwf-" + n, ServiceType.VIRTUAL_WARD_FRAILTY, "SV" + north, north,
                        Duration.ofMinutes(20), daytime),
                TestServices.service("sim-ari-" + n, ServiceType.VIRTUAL_WARD_ARI, "SA" + north, north, Duration.ofMinutes(20)),
                TestServices.service("sim-gp-" + n, ServiceType.GP_IN_HOURS, "SG" + north, north, Duration.ofMinutes(30),
                        daytime),
                TestServices.service("sim-ucr-" + s, ServiceType.UCR, "SU" + south, south, Duration.ofMinutes(15)),
                TestServices.service("sim-sdec-" + s, ServiceType.SDEC_SURGICAL, "SS" + south, south, Duration.ofMinutes(20)));
        TestServices.install(services.toArray(new org.rightcare.hub.directory.CommunityService[0]));
        // A small team that fills up: accepted offers use its places until it has none.
        TestServices.capacity("sim-ucr-" + s, Capacity.Rag.GREEN, 15);
        Map<String, String> ods = new HashMap<>();
        services.forEach(service -> ods.put(service.id(), service.odsCode()));
        return ods;
    }

    private ObjectNode randomIncident(List<String> districts) {
        ObjectNode event = CadWebhook.event("incident-created.json");
        ObjectNode incident = (ObjectNode) event.get("incident");
        incident.put("incidentId", "SIM-" + UUID.randomUUID());
        incident.put("category", pick(CATEGORIES));
        incident.put("receivedAt", clock.instant().minusSeconds(random.nextInt(600)).toString());
        incident.put("dispatchState", random.nextInt(4) == 0 ? "on-scene" : "clinical-queue");
        if ("on-scene".equals(incident.get("dispatchState").asText())) {
            incident.putObject("crew").put("callSign", "SIM" + random.nextInt(99));
        }
        ((ObjectNode) incident.get("presentingComplaint")).put("code", pick(COMPLAINTS)).remove("display");
        ObjectNode patient = (ObjectNode) incident.get("patient");
        patient.remove("birthDate");
        patient.remove("nhsNumber");
        patient.put("estimatedAge", 15 + random.nextInt(85));
        ObjectNode clinical = (ObjectNode) incident.get("clinical");
        clinical.put("news2", random.nextInt(9));
        clinical.put("clinicalFrailtyScale", 1 + random.nextInt(9));
        ObjectNode location = (ObjectNode) incident.get("location");
        location.remove("latitude");
        location.remove("longitude");
        location.put("postcode", TestServices.postcodeIn(pick(districts)));
        return event;
    }

    /** Now and then the CAD upgrades an open incident to C1 or C2, or cancels it. */
    private void cadChangesItsMind(Map<String, ObjectNode> incidents, Map<String, Sent> sent, Instant now) {
        List<String> ids = new ArrayList<>(incidents.keySet());
        java.util.Collections.sort(ids);
        for (int i = 0; i < 2 && !ids.isEmpty(); i++) {
            String incidentId = ids.get(random.nextInt(ids.size()));
            ObjectNode created = incidents.get(incidentId);
            if (random.nextBoolean()) {
                ObjectNode upgrade = CadWebhook.follow(created, "incident.updated", now);
                ((ObjectNode) upgrade.get("incident")).put("category", random.nextBoolean() ? "C1" : "C2");
                post(upgrade, now);
                Sent before = sent.get(incidentId);
                if (before.offersWhenUpgraded() == null) {
                    sent.put(incidentId, new Sent(incidentId, before.category(), Set.copyOf(TestDatabase.strings("""
                            SELECT o.id::text FROM offer o JOIN referral r ON r.id = o.referral_id
                            WHERE r.incident_id = ?""", incidentId))));
                }
            } else {
                post(CadWebhook.follow(created, "incident.cancelled", now), now);
            }
        }
    }

    /** Each new offer gets its fate: accepted, declined with a reason, or never answered, after a random delay. */
    private void providersSeeNewOffers(Instant now, Map<String, String> odsOfService, Set<UUID> seen,
            Map<UUID, Instant> answerAt, Map<UUID, String> answerOf) {
        for (Map<String, Object> offer : TestDatabase.query("""
                SELECT o.id, o.service_id FROM offer o JOIN referral r ON r.id = o.referral_id
                WHERE r.incident_id LIKE 'SIM-%' AND o.status = 'requested'""")) {
            UUID id = (UUID) offer.get("id");
            if (!seen.add(id) || !odsOfService.containsKey((String) offer.get("service_id"))) {
                continue;
            }
            int fate = random.nextInt(10);
            if (fate < 4) {
                answerOf.put(id, "accept");
            } else if (fate < 7) {
                answerOf.put(id, random.nextBoolean() ? "reject-capacity" : "reject-clinical");
            } else {
                continue; // silent: the deadline will pass
            }
            // Some answers arrive after the window has closed, and must be refused without harm.
            answerAt.put(id, now.plus(Duration.ofMinutes(random.nextInt(25))));
        }
    }

    private void providersAnswer(Instant now, Map<String, String> odsOfService, Map<UUID, Instant> answerAt,
            Map<UUID, String> answerOf) {
        List<UUID> due = answerAt.entrySet().stream().filter(e -> !e.getValue().isAfter(now)).map(Map.Entry::getKey)
                .sorted().toList();
        for (UUID offerId : due) {
            answerAt.remove(offerId);
            Map<String, Object> offer = TestDatabase.query("SELECT service_id FROM offer WHERE id = ?", offerId).get(0);
            String ods = odsOfService.get((String) offer.get("service_id"));
            String answer = answerOf.get(offerId);
            if (answer.equals("accept")) {
                answers.answer(offerId, ods, OfferAnswers.Answer.ACCEPT, null, null).await().atMost(Duration.ofSeconds(10));
                if (random.nextBoolean()) {
                    answers.answer(offerId, ods, OfferAnswers.Answer.COMPLETE, null, null).await()
                            .atMost(Duration.ofSeconds(10));
                }
            } else {
                OfferStatusReason reason = answer.equals("reject-capacity")
                        ? new OfferStatusReason(OfferStatusReason.DOS_SYSTEM, "22", null)
                        : new OfferStatusReason(OfferStatusReason.DOS_SYSTEM, "23", null);
                answers.answer(offerId, ods, OfferAnswers.Answer.REJECT, reason, null).await()
                        .atMost(Duration.ofSeconds(10));
            }
        }
    }

    private void sweepUntilQuiet(Instant now) {
        int advanced;
        do {
            advanced = sweeper.sweep(now).await().atMost(Duration.ofSeconds(60));
        } while (advanced > 0);
    }

    private void post(ObjectNode event, Instant now) {
        byte[] body = CadWebhook.bytes(event);
        int status = given().contentType("application/json")
                .header(WebhookSignature.HEADER, WebhookSignature.sign(CadWebhook.SECRET, now, body))
                .body(new String(body, StandardCharsets.UTF_8)).post("/cad/v1/events").statusCode();
        assertEquals(202, status, "the hub refused a simulated event");
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    // ------------------------------------------------------------------ the invariants

    private static Instant instant(Object timestamp) {
        return timestamp == null ? null : ((java.sql.Timestamp) timestamp).toInstant();
    }

    /** Concluded by the end of its budget, give or take the one-minute step at which the simulated sweep runs. */
    private static void assertConcludedWithinBudget(Map<String, Object> referral) {
        Instant concluded = instant(referral.get("concluded_at"));
        Instant created = instant(referral.get("created_at"));
        Instant budget = instant(referral.get("budget_ends_at"));
        Instant limit = (budget == null ? created : budget).plus(STEP).plusSeconds(5);
        assertTrue(!concluded.isAfter(limit), referral + " concluded at " + concluded + ", after its budget " + limit);
    }

    /** An incident that was ambulance-only when it arrived was never offered; one upgraded later got no new offer. */
    private static void assertNeverOfferedWhileAmbulanceOnly(Map<String, Object> referral, Sent sent) {
        UUID id = (UUID) referral.get("id");
        boolean ambulanceOnlyFromTheStart = Set.of("C1", "C2", "HCP2", "IFT3").contains(sent.category());
        if (ambulanceOnlyFromTheStart) {
            assertEquals(0, TestDatabase.count("SELECT count(*) FROM offer WHERE referral_id = ?", id),
                    sent.category() + " incident " + sent.incidentId() + " was offered to a community service");
        }
        if (sent.offersWhenUpgraded() != null) {
            assertEquals(sent.offersWhenUpgraded(),
                    Set.copyOf(TestDatabase.strings("SELECT id::text FROM offer WHERE referral_id = ?", id)),
                    "offered after its upgrade to an ambulance-only category: " + sent.incidentId());
            assertEquals(0, TestDatabase.count("""
                    SELECT count(*) FROM offer WHERE referral_id = ? AND status IN ('requested', 'received')""", id));
        }
    }

    /** Each offer began only after the one before it had ended; at most one was ever accepted. */
    private static void assertHeldByOneServiceAtATime(UUID referralId) {
        List<Map<String, Object>> offers = TestDatabase.query(
                "SELECT status, offered_at, answered_at FROM offer WHERE referral_id = ? ORDER BY sequence", referralId);
        long taken = offers.stream().filter(o -> Set.of("accepted", "in-progress", "completed").contains(o.get("status")))
                .count();
        assertTrue(taken <= 1, "referral " + referralId + " was taken by " + taken + " services");
        for (int i = 1; i < offers.size(); i++) {
            Object previousEnded = offers.get(i - 1).get("answered_at");
            assertTrue(previousEnded != null,
                    "offer " + (i + 1) + " of " + referralId + " began while offer " + i + " was open");
            assertTrue(!instant(previousEnded).isAfter(instant(offers.get(i).get("offered_at"))),
                    "offer " + (i + 1) + " of " + referralId + " began before offer " + i + " ended");
        }
    }
}

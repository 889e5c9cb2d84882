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
 *
 * <p>
 * The hostile sequences of issue 15: deterioration before and after acceptance, upgrades after acceptance, crews
 * conveying, pictures that change within the rules, arrivals already past their breach time, services closing
 * mid-offer (the daytime teams close at 20:00), final answers that ask for an ambulance, and steps that always fail.
 * Further invariants: nothing ambulance-only, deteriorated or conveying is held by a community service once the hub
 * has acknowledged the CAD's event (zero processing steps later); the CAD's last callback matches where every case
 * ended, and it heard {@code referral.accepted} of every acceptance; every send-back has a contract reason code.
 * {@code -Dsim.incidents=N} sets the number of incidents (5,000 by default).
 */
@Slow
@QuarkusTest
class SendBackLoopSimulationTest {

    static final long SEED = 20261122L;
    static final int INCIDENTS = Integer.getInteger("sim.incidents", 5000);
    static final Duration STEP = Duration.ofMinutes(1);
    static final int ARRIVAL_MINUTES = 180;
    /** The longest time budget of the default policy (C5), plus the steps the sweep needs to act on it. */
    static final Duration LONGEST_BUDGET = Duration.ofMinutes(120);

    static final List<String> CATEGORIES = List.of("C3", "C3", "C3", "C4", "C4", "C5", "C4T", "C1", "C2", "HCP2", "IFT3");
    static final List<String> COMPLAINTS = List.of("1912002", "1912002", "248279007", "2776000", "54150009",
            "50417007", "21522001", "68566005", "6471006", "103735009", "302866003", "29857009", "422587007");
    static final List<String> TERMINAL = List.of("accepted", "sent-back", "cancelled", "completed");
    static final Set<String> SEND_BACK_REASONS = java.util.Arrays.stream(
            org.rightcare.hub.referral.SendBackReason.values()).map(org.rightcare.hub.referral.SendBackReason::code)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    /** The final answer of a validating clinician who wants an ambulance (VALRESP03's C2, Dx0116). */
    static final org.rightcare.hub.referral.CareOutcome ASKS_FOR_AMBULANCE = new org.rightcare.hub.referral.CareOutcome(
            org.rightcare.hub.referral.CareOutcome.PATHWAYS_DX, "Dx0116",
            "Emergency Ambulance Response for Major Blood Loss", org.rightcare.hub.referral.ArpCategory.C2,
            "Simulated CAS clinician: needs an ambulance");
    /** Incidents of this prefix fail every routing step (a database trigger refuses their routing decisions). */
    static final String ALWAYS_FAILS = "SIM-FAIL-";

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
        TestDatabase.execute("""
                CREATE OR REPLACE FUNCTION sim_always_fails() RETURNS trigger AS $$
                BEGIN
                  IF EXISTS (SELECT 1 FROM referral r WHERE r.id = NEW.referral_id
                             AND r.incident_id LIKE 'SIM-FAIL-%') THEN
                    RAISE EXCEPTION 'a simulated step that always fails';
                  END IF;
                  RETURN NEW;
                END $$ LANGUAGE plpgsql""");
        TestDatabase.execute("DROP TRIGGER IF EXISTS sim_always_fails ON routing_decision");
        TestDatabase.execute("CREATE TRIGGER sim_always_fails BEFORE INSERT ON routing_decision FOR EACH ROW "
                + "EXECUTE FUNCTION sim_always_fails()");
        long started = System.nanoTime();
        try {
            // Tens of thousands of checks: one connection for them all, not one each.
            TestDatabase.inOneConnection(this::simulate);
        } finally {
            TestDatabase.execute("DROP TRIGGER IF EXISTS sim_always_fails ON routing_decision");
            System.out.printf("SendBackLoopSimulationTest: %d incidents in %d s%n", INCIDENTS,
                    Duration.ofNanos(System.nanoTime() - started).toSeconds());
        }
    }

    private void simulate() {
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
                    // The CAD's events carry the simulated time, so the CAD's later changes are never older than it.
                    event.put("occurredAt", now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
                    String incidentId = event.at("/incident/incidentId").asText();
                    post(event, now);
                    incidents.put(incidentId, event);
                    sent.put(incidentId, new Sent(incidentId, event.at("/incident/category").asText(), null));
                }
                cadChangesItsMind(incidents, sent, now, perStep);
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
        assertTheCadHeardEveryChangeOfHolder();
        // The hostile sequences happened, and each ended as the contract says.
        Map<String, Long> reasons = new HashMap<>();
        referrals.forEach(r -> {
            if (r.get("send_back_reason") != null) {
                reasons.merge((String) r.get("send_back_reason"), 1L, Long::sum);
            }
        });
        for (String reason : List.of("deteriorated", "conveying", "not-eligible-category", "hub-error",
                "clinician-requests-ambulance", "breach-passed")) {
            assertTrue(reasons.getOrDefault(reason, 0L) > 0, "no case went back as " + reason + ": " + reasons);
        }
        assertEveryCaseWhoseStepsAlwaysFailGoesBackAsHubErrorUnlessItNeverReachedTheRouter();
        assertEquals(0, TestDatabase.count("""
                SELECT count(*) FROM referral r WHERE r.incident_id LIKE 'SIM-%' AND r.status = 'completed'
                AND EXISTS (SELECT 1 FROM delivery_outbox d WHERE d.referral_id = r.id AND d.channel = 'cad-callback'
                            AND d.payload::json->'outcome'->>'arpCategory' IN ('C1', 'C2', 'C3', 'C4'))"""),
                "a final answer that asks for an ambulance is never a completion");
        assertTrue(TestDatabase.count("SELECT count(*) FROM offer o JOIN referral r ON r.id = o.referral_id "
                + "WHERE r.incident_id LIKE 'SIM-%' AND o.status_reason_code = 'timed-out'") > 0, "no offer timed out");
    }

    /**
     * A case whose every routing step fails (its routing decision is refused by a trigger) goes back as
     * {@code hub-error} once its steps have failed {@code hub.routing.max-step-failures} times. The only cases of
     * them that end otherwise are those that never reach a routing step, because the send-back loop's precheck ends
     * them first, as it would any case: an ambulance-only category ({@code not-eligible-category}), and a case that
     * arrived with its time budget, counted from the call, already spent ({@code breach-passed}). The CAD leaves
     * these cases alone, so none is cancelled, and none is ever held.
     */
    private static void assertEveryCaseWhoseStepsAlwaysFailGoesBackAsHubErrorUnlessItNeverReachedTheRouter() {
        List<Map<String, Object>> failing = TestDatabase.query("""
                SELECT incident_id, status, category, send_back_reason, budget_ends_at <= created_at AS arrived_spent
                FROM referral WHERE incident_id LIKE 'SIM-FAIL-%'""");
        long hubErrors = 0;
        for (Map<String, Object> referral : failing) {
            assertEquals("sent-back", referral.get("status"), "a case whose steps always fail: " + referral);
            String reason = (String) referral.get("send_back_reason");
            if ("hub-error".equals(reason)) {
                hubErrors++;
            } else if ("not-eligible-category".equals(reason)) {
                assertTrue(org.rightcare.hub.referral.ArpCategory.fromCode((String) referral.get("category"))
                        .orElseThrow().isAmbulanceOnly(), referral.toString());
            } else {
                assertEquals("breach-passed", reason, "only hub-error, or an end before any routing step: " + referral);
                assertEquals(Boolean.TRUE, referral.get("arrived_spent"), "arrived with its budget spent: " + referral);
            }
        }
        assertTrue(hubErrors > 0, "no case whose steps always fail went back as hub-error: " + failing);
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
        incident.put("incidentId", (random.nextInt(100) == 0 ? ALWAYS_FAILS : "SIM-") + UUID.randomUUID());
        incident.put("category", pick(CATEGORIES));
        // One call in ten reached the hub hours after the 999 call: already past its breach time.
        incident.put("receivedAt", clock.instant()
                .minusSeconds(random.nextInt(10) == 0 ? 3 * 3600 + random.nextInt(3600) : random.nextInt(600))
                .toString());
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

    /**
     * Now and then the CAD changes an incident: upgrades it to C1 or C2, cancels it, reports a deterioration past
     * every test service's NEWS2 ceiling, a crew conveying, or a new picture within the rules. Each dangerous change
     * must have withdrawn every commitment by the time the hub acknowledges it.
     */
    private void cadChangesItsMind(Map<String, ObjectNode> incidents, Map<String, Sent> sent, Instant now,
            int perStep) {
        // The CAD leaves the cases whose steps always fail alone, so that each of them proves the hub-error path.
        List<String> ids = new ArrayList<>(incidents.keySet().stream().filter(id -> !id.startsWith(ALWAYS_FAILS))
                .toList());
        java.util.Collections.sort(ids);
        for (int i = 0; i < 2 + perStep / 2 && !ids.isEmpty(); i++) {
            String incidentId = ids.get(random.nextInt(ids.size()));
            ObjectNode created = incidents.get(incidentId);
            int change = random.nextInt(6);
            if (change == 0) {
                ObjectNode upgrade = CadWebhook.follow(created, "incident.updated", now);
                ((ObjectNode) upgrade.get("incident")).put("category", random.nextBoolean() ? "C1" : "C2");
                post(upgrade, now);
                Sent before = sent.get(incidentId);
                if (before.offersWhenUpgraded() == null) {
                    sent.put(incidentId, new Sent(incidentId, before.category(), Set.copyOf(TestDatabase.strings("""
                            SELECT o.id::text FROM offer o JOIN referral r ON r.id = o.referral_id
                            WHERE r.incident_id = ?""", incidentId))));
                }
                assertNoCommunityServiceHolds(incidentId, "upgraded to an ambulance-only category");
            } else if (change == 1) {
                post(CadWebhook.follow(created, "incident.cancelled", now), now);
            } else if (change == 2) {
                ObjectNode worse = CadWebhook.follow(created, "incident.updated", now);
                ((ObjectNode) worse.at("/incident/clinical")).put("news2", 9 + random.nextInt(8));
                post(worse, now);
                assertNoCommunityServiceHolds(incidentId, "deteriorated past every service's NEWS2 ceiling");
            } else if (change == 3) {
                ObjectNode conveying = CadWebhook.follow(created, "incident.updated", now);
                ((ObjectNode) conveying.get("incident")).put("dispatchState", "conveying");
                post(conveying, now);
                assertNoCommunityServiceHolds(incidentId, "conveying");
            } else {
                ObjectNode picture = CadWebhook.follow(created, "incident.updated", now);
                ((ObjectNode) picture.at("/incident/clinical")).put("notes", "Simulated update " + random.nextInt());
                post(picture, now);
            }
        }
    }

    /** Once the hub has acknowledged the CAD's event, no community service holds the case. */
    private static void assertNoCommunityServiceHolds(String incidentId, String why) {
        assertEquals(0, TestDatabase.count("""
                SELECT count(*) FROM offer o JOIN referral r ON r.id = o.referral_id WHERE r.incident_id = ?
                AND o.status IN ('requested', 'received', 'accepted', 'in-progress')""", incidentId),
                incidentId + " is still held by a community service after it was " + why);
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
                int completion = random.nextInt(4);
                if (completion < 2) {
                    answers.answer(offerId, ods, OfferAnswers.Answer.COMPLETE, null, null).await()
                            .atMost(Duration.ofSeconds(10));
                } else if (completion == 2) {
                    // A validating clinician's final answer that asks for an ambulance: a send-back, never a completion.
                    answers.answer(offerId, ods, OfferAnswers.Answer.COMPLETE, null, null, ASKS_FOR_AMBULANCE).await()
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
        // The budget runs from the 999 call, so a case the CAD sends late may arrive with its budget already spent:
        // then the hub must conclude it within one step of hearing of it.
        Instant due = budget == null || budget.isBefore(created) ? created : budget;
        Instant limit = due.plus(STEP).plusSeconds(5);
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

    /**
     * The CAD's last callback says where each case ended, and it heard {@code referral.accepted} of every case a
     * service took and kept to the end (accepted, claimed, completed, or sent back by its final answer).
     */
    private static void assertTheCadHeardEveryChangeOfHolder() {
        Map<String, String> lastCallbackFor = Map.of("accepted", "referral.accepted", "sent-back",
                "referral.sent-back", "cancelled", "referral.cancelled", "completed", "referral.completed");
        for (Map<String, Object> row : TestDatabase.query("""
                SELECT r.id, r.status,
                       (SELECT d.payload::json->>'eventType' FROM delivery_outbox d
                        WHERE d.referral_id = r.id AND d.channel = 'cad-callback' ORDER BY d.sequence DESC LIMIT 1) AS last,
                       EXISTS (SELECT 1 FROM offer o WHERE o.referral_id = r.id
                               AND o.status IN ('accepted', 'in-progress', 'completed')) AS taken,
                       EXISTS (SELECT 1 FROM delivery_outbox a WHERE a.referral_id = r.id
                               AND a.channel = 'cad-callback'
                               AND a.payload::json->>'eventType' = 'referral.accepted') AS told
                FROM referral r WHERE r.incident_id LIKE 'SIM-%'""")) {
            String status = (String) row.get("status");
            assertEquals(lastCallbackFor.get(status), row.get("last"), "the CAD's last word on " + row);
            if (Boolean.TRUE.equals(row.get("taken"))) {
                assertTrue(Boolean.TRUE.equals(row.get("told")), "the CAD never heard of the acceptance: " + row);
            }
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

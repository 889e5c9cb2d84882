package org.rightcare.hub.whatif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.cascade.DueReferralSweeper;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.incidents.CadEventJson;
import org.rightcare.hub.incidents.IncidentGenerator;
import org.rightcare.hub.incidents.IncidentShape;
import org.rightcare.hub.incidents.ReplayableIncident;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.routing.Router;
import org.rightcare.hub.routing.RoutingPolicies;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.Referrals;
import org.rightcare.hub.testing.Slow;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The what-if simulator decides as the live hub does, because it runs the same code: the same generated incidents go
 * through the live hub (the CAD webhook, the send-back loop, providers answering through the FHIR Task API, the sweep
 * for deadlines) and through the simulator with the same answers, and each incident is offered to the same services
 * in the same order and ends the same way, for the same reason.
 */
@Slow
@QuarkusTest
class SimulatorMatchesLiveHubTest {

    static final String DOS = OfferStatusReason.DOS_SYSTEM;

    @Inject
    DueReferralSweeper sweeper;

    @Inject
    ServiceDirectory directory;

    @Inject
    RoutingPolicies policies;

    @Inject
    Router router;

    /** The answer every provider gives to the n-th offer of the i-th incident: four patterns in turn. */
    static ProviderAnswers.Answer scripted(int incident, int sequence) {
        return switch (incident % 4) {
            case 0 -> new ProviderAnswers.Accept(Duration.ofMinutes(1));
            case 1 -> sequence == 1 ? new ProviderAnswers.Reject(Duration.ofMinutes(1), new OfferStatusReason(DOS, "22", null))
                    : new ProviderAnswers.Accept(Duration.ofMinutes(1));
            case 2 -> new ProviderAnswers.Reject(Duration.ofMinutes(1), new OfferStatusReason(DOS, "23", null));
            default -> sequence == 1 ? new ProviderAnswers.Silent() : new ProviderAnswers.Accept(Duration.ofMinutes(1));
        };
    }

    /** What happened to one incident: the services offered it, in order, how each offer ended, and how it ended. */
    record Route(List<String> offeredTo, List<String> offerOutcomes, String outcome) {
    }

    @Test
    void simulatorOffersTheSameServicesAndEndsTheSameWayAsTheLiveHub() {
        String district = TestServices.freshDistrict();
        String key = district.toLowerCase();
        CommunityService falls = TestServices.service("falls-" + key, ServiceType.FALLS_RESPONSE, "F" + district,
                district, Duration.ofMinutes(10));
        CommunityService ucr = TestServices.service("ucr-" + key, ServiceType.UCR, "U" + district, district,
                Duration.ofMinutes(15));
        CommunityService frailty = TestServices.service("vwf-" + key, ServiceType.VIRTUAL_WARD_FRAILTY, "V" + district,
                district, Duration.ofMinutes(20));
        TestServices.install(falls, ucr, frailty);
        Map<String, CommunityService> installed = Map.of(falls.id(), falls, ucr.id(), ucr, frailty.id(), frailty);

        List<Incident> incidents = incidentsIn(district, 24);
        List<Route> live = new ArrayList<>();
        for (int i = 0; i < incidents.size(); i++) {
            live.add(throughTheLiveHub(i, incidents.get(i), installed));
        }

        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < incidents.size(); i++) {
            index.put(incidents.get(i).incidentId(), i);
        }
        WhatIfSimulator.Run run = new WhatIfSimulator(router).run(policies.current(), directory.services(), Map.of(),
                incidents.stream().map(incident -> new ReplayableIncident(incident, 0)).toList(),
                (offer, service, incident) -> scripted(index.get(incident.incidentId()), offer.sequence()));
        List<Route> simulated = run.referrals().stream().map(r -> new Route(
                r.offers().stream().map(WhatIfSimulator.OfferOutcome::serviceId).toList(),
                r.offers().stream().map(o -> o.status() + (o.reasonCode() == null ? "" : " " + o.reasonCode())).toList(),
                r.accepted() ? "accepted" : "sent-back " + r.sendBackReason().code())).toList();

        assertEquals(live, simulated);
        Set<String> outcomes = live.stream().map(Route::outcome).collect(Collectors.toSet());
        assertTrue(outcomes.containsAll(Set.of("accepted", "sent-back not-eligible-category", "sent-back no-eligible-service",
                "sent-back clinically-inappropriate")), "the incidents cover accepted and several send-backs: " + outcomes);
        assertTrue(live.stream().anyMatch(r -> r.offeredTo().size() >= 2), "some incidents cascade: " + live);
        assertTrue(live.stream().anyMatch(r -> r.offerOutcomes().contains("failed timed-out")
                && r.outcome().equals("accepted")), "one times out, then the next service accepts: " + live);
    }

    /**
     * Generated incidents (the Wealdshire shape, a fixed seed), placed in the test's own district, arriving now: mostly
     * of a category the policy may route, so that most of them reach the services, and a few ambulance-only ones.
     */
    static List<Incident> incidentsIn(String district, int count) {
        IncidentGenerator generator = new IncidentGenerator(IncidentShape.load(IncidentShape.WEALDSHIRE));
        List<Incident> day = generator.days(LocalDate.of(2026, 11, 16), 1, 7).stream().map(ReplayableIncident::incident)
                .toList();
        List<Incident> chosen = new ArrayList<>(day.stream().filter(i -> !i.category().isAmbulanceOnly())
                .limit(count - 4).toList());
        chosen.addAll(day.stream().filter(i -> i.category().isAmbulanceOnly()).limit(4).toList());
        List<Incident> incidents = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            Incident g = chosen.get(i);
            incidents.add(new Incident("INC-" + UUID.randomUUID(), now.minusSeconds(count - i), g.category(), g.dispatchState(),
                    g.origin(), g.triage(), g.presentingComplaint(), g.patient(),
                    new Incident.IncidentLocation(TestServices.postcodeIn(district), null, null, null), g.clinical(),
                    // The generated day is in the past; a crew's time must be plausible now, as the webhook checks.
                    g.crew() == null ? null
                            : new Incident.Crew(g.crew().callSign(), g.crew().onSceneAt() == null ? null : now)));
        }
        return incidents;
    }

    private Route throughTheLiveHub(int i, Incident incident, Map<String, CommunityService> installed) {
        UUID referral = Referrals.post(CadEventJson.created(UUID.randomUUID().toString(), CadWebhook.CAD_SYSTEM,
                Instant.now(), incident));
        int answered = 0;
        while (true) {
            int seen = answered;
            TestDatabase.await("referral " + referral + " ends or has offer " + (seen + 1),
                    () -> isConcluded(referral) || Referrals.offers(referral).size() > seen);
            if (isConcluded(referral)) {
                break;
            }
            Map<String, Object> offer = Referrals.offers(referral).get(answered);
            UUID offerId = (UUID) offer.get("id");
            CommunityService service = installed.get((String) offer.get("service_id"));
            ProviderAnswers.Answer answer = scripted(i, answered + 1);
            if (answer instanceof ProviderAnswers.Accept) {
                Referrals.answer(offerId, service.odsCode(), "accepted", null, null).then().statusCode(200);
            } else if (answer instanceof ProviderAnswers.Reject reject) {
                Referrals.answer(offerId, service.odsCode(), "rejected", reject.reason().system(), reject.reason().code())
                        .then().statusCode(200);
            } else {
                sweepEverythingDueAt(Instant.now().plus(service.acceptanceWindow()).plusSeconds(30));
            }
            answered++;
        }
        List<Map<String, Object>> offers = Referrals.offers(referral);
        List<String> offeredTo = offers.stream().map(o -> (String) o.get("service_id")).toList();
        List<String> offerOutcomes = offers.stream().map(o -> o.get("status")
                + (o.get("status_reason_code") == null ? "" : " " + o.get("status_reason_code"))).toList();
        Map<String, Object> row = TestDatabase.query("SELECT status, send_back_reason FROM referral WHERE id = ?",
                referral).get(0);
        return new Route(offeredTo, offerOutcomes, "accepted".equals(row.get("status")) ? "accepted"
                : row.get("status") + " " + row.get("send_back_reason"));
    }

    private static boolean isConcluded(UUID referral) {
        String status = TestDatabase.text("SELECT status FROM referral WHERE id = ?", referral);
        return "accepted".equals(status) || "sent-back".equals(status);
    }

    private void sweepEverythingDueAt(Instant at) {
        int advanced;
        do {
            advanced = sweeper.sweep(at).await().atMost(Duration.ofSeconds(60));
        } while (advanced > 0);
    }
}

package org.rightcare.hub.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.Capacity;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.OpeningHours;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.routing.RoutingDecision.ExclusionReason;

/**
 * A routing decision stored compactly keeps what a large directory would otherwise repeat in every row, and loses
 * none of its explanation while the directory and the incident are the ones routed.
 */
class CompactDecisionsTest {

    final Router router = new Router();

    /** Falls and UCR teams in ME14 (one closed, one full, one already tried), and many elsewhere. */
    static List<CommunityService> largeDirectory() {
        List<CommunityService> services = new ArrayList<>();
        services.add(RouterTest.service("falls-here", ServiceType.FALLS_RESPONSE, "ME14", OpeningHours.twentyFourSeven()));
        services.add(RouterTest.service("ucr-here", ServiceType.UCR, "ME14", OpeningHours.twentyFourSeven()));
        services.add(RouterTest.service("ucr-shut", ServiceType.UCR, "ME14", RouterTest.daytime()));
        services.add(RouterTest.service("ucr-full", ServiceType.UCR, "ME14", OpeningHours.twentyFourSeven()));
        services.add(RouterTest.service("ucr-tried", ServiceType.UCR, "ME14", OpeningHours.twentyFourSeven()));
        for (int i = 0; i < 40; i++) {
            services.add(RouterTest.service(String.format("falls-away-%02d", i), ServiceType.FALLS_RESPONSE, "CT1",
                    OpeningHours.twentyFourSeven()));
            services.add(RouterTest.service(String.format("ucr-away-%02d", i), ServiceType.UCR, "TN23",
                    OpeningHours.twentyFourSeven()));
        }
        services.sort(java.util.Comparator.comparing(CommunityService::id));
        return List.copyOf(services);
    }

    static final Incident FALL = RouterTest.fall(ArpCategory.C3, "ME14 1AB", 2);
    static final Map<String, Capacity> FULL = Map.of("ucr-full", new Capacity(Capacity.Rag.RED, 0, null));

    RoutingDecision decideAt11pm(List<CommunityService> services) {
        return router.decide(RouterTest.POLICY, FALL, RouterTest.MONDAY_11PM, services, FULL, Set.of("ucr-tried"));
    }

    @Test
    void keepsEveryCandidateAndEveryServiceThatCouldHaveTakenTheCaseAndCountsTheRest() {
        List<CommunityService> services = largeDirectory();
        RoutingDecision full = decideAt11pm(services);

        CompactDecisions.Stored stored = CompactDecisions.compact(full, 7, "digest");

        RoutingDecision compact = stored.decision();
        assertEquals(full.candidates(), compact.candidates());
        assertEquals(Set.of("ucr-shut", "ucr-full", "ucr-tried"),
                Set.copyOf(compact.exclusions().stream().map(RoutingDecision.Exclusion::serviceId).toList()));
        assertEquals(Map.of(ExclusionReason.OUT_OF_AREA, 80, ExclusionReason.CLOSED_NOW, 1,
                ExclusionReason.NO_CAPACITY, 1, ExclusionReason.ALREADY_DECLINED, 1), compact.excludedCounts());
        assertEquals(80, compact.unlistedExclusions());
        assertEquals(Map.of(ExclusionReason.OUT_OF_AREA, 80), compact.unlistedCounts());
        assertEquals(List.of("falls-response", "ucr"), stored.basis().serviceTypes());
    }

    @Test
    void rebuildsTheWholeDecisionFromTheSameDirectoryAndIncident() {
        List<CommunityService> services = largeDirectory();
        RoutingDecision full = decideAt11pm(services);
        CompactDecisions.Stored stored = CompactDecisions.compact(full, 7, "digest");

        RoutingDecision rebuilt = CompactDecisions.rebuild(stored, FALL, "digest",
                new ServiceDirectory.Snapshot(7, services));

        assertEquals(full, rebuilt, "the same candidates, and every exclusion in the router's order with its detail");
        assertEquals(0, rebuilt.unlistedExclusions());
    }

    @Test
    void saysWhatItCannotListOnceTheDirectoryOrTheIncidentHasChanged() {
        List<CommunityService> services = largeDirectory();
        CompactDecisions.Stored stored = CompactDecisions.compact(decideAt11pm(services), 7, "digest");

        RoutingDecision directoryMoved = CompactDecisions.rebuild(stored, FALL, "digest",
                new ServiceDirectory.Snapshot(8, services));
        RoutingDecision incidentChanged = CompactDecisions.rebuild(stored, FALL, "another digest",
                new ServiceDirectory.Snapshot(7, services));

        assertSame(stored.decision(), directoryMoved);
        assertSame(stored.decision(), incidentChanged);
        assertEquals(80, directoryMoved.unlistedExclusions());
    }

    @Test
    void refusesARebuildThatDoesNotAddUpToTheStoredCounts() {
        List<CommunityService> services = largeDirectory();
        CompactDecisions.Stored stored = CompactDecisions.compact(decideAt11pm(services), 7, "digest");
        // The same version and digest but a service missing: the counts give the difference away.
        List<CommunityService> fewer = services.stream().filter(s -> !s.id().equals("ucr-away-03")).toList();

        assertSame(stored.decision(), CompactDecisions.rebuild(stored, FALL, "digest",
                new ServiceDirectory.Snapshot(7, fewer)));
    }

    @Test
    void storesASmallDecisionWhole() {
        List<CommunityService> services = largeDirectory().stream()
                .filter(s -> !s.id().contains("-away-") || s.id().endsWith("-away-00")).toList();
        RoutingDecision full = decideAt11pm(services);
        assertTrue(full.exclusions().size() <= CompactDecisions.LIST_EVERY_EXCLUSION_UP_TO, full.exclusions()::toString);

        CompactDecisions.Stored stored = CompactDecisions.compact(full, 7, null);

        assertSame(full, stored.decision());
        assertEquals(null, stored.basis());
    }
}

package org.rightcare.hub.testing;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import org.rightcare.hub.audit.Actor;
import org.rightcare.hub.bars.BarsConfig;
import org.rightcare.hub.directory.Capacity;
import org.rightcare.hub.directory.Catchment;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.DeliveryEndpoint;
import org.rightcare.hub.directory.DirectoryAdminService;
import org.rightcare.hub.directory.DispatchPhase;
import org.rightcare.hub.directory.Eligibility;
import org.rightcare.hub.directory.InMemoryServiceDirectory;
import org.rightcare.hub.directory.OpeningHours;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.referral.ArpCategory;

import io.quarkus.arc.Arc;

/**
 * Services a test installs in the live directory, each test in postcode districts of its own (Highland districts
 * the test directory never uses), so tests cannot route into each other's services.
 */
public final class TestServices {

    /**
     * The next district's number, JVM-wide: a test with a profile of its own loads this class again, and its
     * districts must not be ones an earlier test already filled with services in the shared database.
     */
    private static final String NEXT_DISTRICT = "rightcare.test.next-district";
    private static final Actor TEST_ACTOR = Actor.hub("test");

    private TestServices() {
    }

    /** A postcode district no other test uses, e.g. IV7. */
    public static String freshDistrict() {
        int n;
        synchronized (System.getProperties()) {
            n = Integer.parseInt(System.getProperty(NEXT_DISTRICT, "1"));
            System.setProperty(NEXT_DISTRICT, String.valueOf(n + 1));
        }
        String[] areas = { "IV", "PH", "KW", "AB", "DD", "HS", "ZE", "KA", "PA", "FK" };
        return areas[(n - 1) / 60 % areas.length] + ((n - 1) % 60 + 1);
    }

    /** A full postcode in the district, for an incident location. */
    public static String postcodeIn(String district) {
        return district + " 1AB";
    }

    /** A 24/7 service for C3-C5, adults, NEWS2 up to 6, that the patient's system pulls offers from. */
    public static CommunityService service(String id, ServiceType type, String odsCode, String district,
            Duration acceptanceWindow) {
        return service(id, type, odsCode, district, acceptanceWindow, OpeningHours.twentyFourSeven());
    }

    public static CommunityService service(String id, ServiceType type, String odsCode, String district,
            Duration acceptanceWindow, OpeningHours hours) {
        return new CommunityService(id, "Test " + type.display() + " " + id, type, odsCode, "Test Trust " + odsCode,
                String.valueOf(900_000_000L + Math.abs(id.hashCode() % 99_999_999)),
                new Catchment(List.of(district), List.of()), hours,
                new Eligibility(EnumSet.of(ArpCategory.C3, ArpCategory.C4, ArpCategory.C5, ArpCategory.C4T),
                        EnumSet.allOf(DispatchPhase.class), List.of(), 18, null, 6, null, null),
                acceptanceWindow, DeliveryEndpoint.pull(), true);
    }

    /** The same service, delivered to at {@code endpoint}. */
    public static CommunityService withEndpoint(CommunityService s, DeliveryEndpoint endpoint) {
        return new CommunityService(s.id(), s.name(), s.type(), s.odsCode(), s.organisationName(), s.dosServiceId(),
                s.catchment(), s.openingHours(), s.eligibility(), s.acceptanceWindow(), endpoint, s.active());
    }

    /** Puts the services in the directory and waits until this replica's directory snapshot has them. */
    public static void install(CommunityService... services) {
        DirectoryAdminService admin = Arc.container().instance(DirectoryAdminService.class).get();
        for (CommunityService service : services) {
            admin.put(service, TEST_ACTOR).await().atMost(Duration.ofSeconds(10));
        }
        Arc.container().instance(InMemoryServiceDirectory.class).get().refresh().await().atMost(Duration.ofSeconds(10));
    }

    public static void capacity(String serviceId, Capacity.Rag rag, Integer places) {
        Arc.container().instance(DirectoryAdminService.class).get()
                .updateCapacity(serviceId, rag, places, TEST_ACTOR).await().atMost(Duration.ofSeconds(10));
    }

    /** The hub's BaRS identity as the message tests configure it: DoS id 2000000001, ODS code X26. */
    public static BarsConfig barsConfig() {
        return new BarsConfig() {
            @Override
            public Optional<String> dosServiceId() {
                return Optional.of("2000000001");
            }

            @Override
            public Optional<String> odsCode() {
                return Optional.of("X26");
            }

            @Override
            public String organisationName() {
                return "RightCare hub";
            }
        };
    }
}

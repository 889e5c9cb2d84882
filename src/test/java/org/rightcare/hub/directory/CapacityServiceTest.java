package org.rightcare.hub.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.audit.Actor;
import org.rightcare.hub.testing.DirectoryFixtures;
import org.rightcare.hub.testing.TestClock;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Live capacity: the RAG reset after {@code hub.directory.rag-reset-after} (4 hours in the tests, as by default) on a
 * clock the test moves, and places used by accepted offers, atomically.
 */
@QuarkusTest
class CapacityServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Actor ADMIN = new Actor("capacity-test", "QKS");

    @Inject
    CapacityService capacity;
    @Inject
    DirectoryAdminService admin;
    @Inject
    Pool pool;
    @Inject
    TestClock clock;

    private String serviceId;

    /** A service of this test's own: capacity left on a shared test-directory service would leak into routing tests. */
    @BeforeEach
    void createAService() {
        serviceId = "capacity-test-" + UUID.randomUUID().toString().substring(0, 8);
        CommunityService service = ServiceDefinitionFormat.read(DirectoryFixtures.serviceDefinition(serviceId), "")
                .service().orElseThrow();
        admin.put(service, ADMIN).await().atMost(WAIT);
    }

    @AfterEach
    void removeIt() {
        clock.reset();
        admin.delete(serviceId, ADMIN).await().atMost(WAIT);
    }

    @Test
    void aServiceThatNeverSaidAnythingIsGreenWithNoLimit() {
        Map<String, Capacity> now = current(serviceId, "no-such-service");
        assertEquals(List.of(serviceId, "no-such-service"), List.copyOf(now.keySet()));
        assertEquals(Capacity.unknown(), now.get(serviceId));
        assertEquals(Capacity.unknown(), now.get("no-such-service"));
    }

    @Test
    void aRagNobodyRefreshesCountsAsGreenAfterTheResetTime() {
        set(Capacity.Rag.RED, 3);
        assertEquals(Capacity.Rag.RED, current(serviceId).get(serviceId).rag());

        clock.advance(Duration.ofHours(4).minusSeconds(5));
        assertEquals(Capacity.Rag.RED, current(serviceId).get(serviceId).rag());

        clock.advance(Duration.ofSeconds(5));
        Capacity stale = current(serviceId).get(serviceId);
        assertEquals(Capacity.Rag.GREEN, stale.rag());
        assertEquals(3, stale.places());

        // A fresh statement holds again for its own four hours.
        set(Capacity.Rag.AMBER, 3);
        assertEquals(Capacity.Rag.AMBER, current(serviceId).get(serviceId).rag());
    }

    @Test
    void anAcceptedOfferUsesAPlaceUntilNoneAreLeft() {
        set(Capacity.Rag.GREEN, 2);
        assertEquals(true, usePlace());
        assertEquals(true, usePlace());
        assertEquals(false, usePlace());
        Capacity full = current(serviceId).get(serviceId);
        assertEquals(0, full.places());
        assertEquals(false, full.hasRoom());
    }

    @Test
    void aServiceThatDoesNotCountPlacesAlwaysHasAPlace() {
        assertEquals(true, usePlace()); // no capacity row at all
        set(Capacity.Rag.AMBER, null);
        assertEquals(true, usePlace());
        assertNull(current(serviceId).get(serviceId).places());
    }

    @Test
    void twoAcceptancesAtOnceCannotBothTakeTheLastPlace() {
        set(Capacity.Rag.GREEN, 1);
        List<Boolean> results = Uni.join().all(
                pool.withTransaction(tx -> capacity.usePlace(tx, serviceId)),
                pool.withTransaction(tx -> capacity.usePlace(tx, serviceId))).andFailFast().await().atMost(WAIT);
        assertEquals(1, results.stream().filter(taken -> taken).count());
        assertEquals(0, current(serviceId).get(serviceId).places());
    }

    @Test
    void refusesCapacityForAServiceNotInTheDirectory() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> pool.withTransaction(
                tx -> capacity.update(tx, "no-such-service", Capacity.Rag.RED, null, "capacity-test"))
                .await().atMost(WAIT));
        assertInstanceOf(UnknownServiceException.class, e);
    }

    private Map<String, Capacity> current(String... ids) {
        return capacity.current(List.of(ids)).await().atMost(WAIT);
    }

    private void set(Capacity.Rag rag, Integer places) {
        pool.withTransaction(tx -> capacity.update(tx, serviceId, rag, places, "capacity-test")).await().atMost(WAIT);
    }

    private boolean usePlace() {
        return pool.withTransaction(tx -> capacity.usePlace(tx, serviceId)).await().atMost(WAIT);
    }
}

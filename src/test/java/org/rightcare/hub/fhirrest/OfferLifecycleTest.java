package org.rightcare.hub.fhirrest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.rightcare.hub.fhirrest.FhirRestDeliveryTest.area;
import static org.rightcare.hub.fhirrest.FhirRestDeliveryTest.deliveryState;
import static org.rightcare.hub.fhirrest.FhirRestDeliveryTest.hubId;
import static org.rightcare.hub.fhirrest.FhirRestDeliveryTest.resource;
import static org.rightcare.hub.testing.Referrals.awaitOffer;
import static org.rightcare.hub.testing.Referrals.fallIn;
import static org.rightcare.hub.testing.Referrals.offers;
import static org.rightcare.hub.testing.Referrals.post;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.cascade.ReferralCascade;
import org.rightcare.hub.fhir.HubIdentifiers;
import org.rightcare.hub.fhirrest.FhirRestDeliveryTest.Area;
import org.rightcare.hub.metrics.AfterCommitCounts;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.referral.ReferralRepository;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.FhirProviderServer;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.Tokens;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * What a {@code fhir-rest} provider's server receives when an offer closes, shown with a real FHIR server: an offer
 * that closes before it went out is never sent; one the provider has (or that is on the wire) is revoked, after it,
 * once; a provider's own rejection is not revoked; and the withdrawal commits with the close or not at all.
 */
@QuarkusTest
class OfferLifecycleTest {

    private static final Duration WITHIN = Duration.ofSeconds(30);

    @Inject
    Pool pool;
    @Inject
    ReferralRepository referrals;
    @Inject
    ReferralCascade cascade;

    @Test
    void aProviderDownWhileItsOfferTimesOutIsSentNothingOnceItRecoversAndTheNextServiceGetsTheCase() throws Exception {
        try (FhirProviderServer falls = new FhirProviderServer(); FhirProviderServer ucr = new FhirProviderServer()) {
            falls.goDown();
            Area area = area(falls.base(), ucr.base());
            UUID referral = post(fallIn(area.district(), "C3"));
            UUID timedOut = awaitOffer(referral, 1);
            TestDatabase.await("an attempt has failed", () -> TestDatabase.count(
                    "SELECT count(*) FROM delivery_outbox WHERE id = ? AND attempts > 0", timedOut) == 1);

            timeOutBetweenAttempts(referral, timedOut);

            assertEquals("withdrawn", deliveryState(timedOut));
            assertEquals("timed-out", offers(referral).get(0).get("status_reason_code"));
            UUID next = awaitOffer(referral, 2);
            assertEquals(area.ucr().id(), offers(referral).get(1).get("service_id"));
            TestDatabase.await("the next service has the case", () -> "delivered".equals(deliveryState(next)));
            assertEquals(1, deliveriesTo(area.falls().id()), "no revocation of an offer the provider never had");
            // Operators see it in the referral's timeline, not among the dead letters, and cannot replay it.
            given().auth().oauth2(Tokens.hubAdmin()).get("/admin/dead-letters?destination=" + area.falls().id())
                    .then().statusCode(200).body("total", equalTo(0));
            given().auth().oauth2(Tokens.hubAdmin()).post("/admin/dead-letters/" + timedOut + "/replay")
                    .then().statusCode(409).body("detail", containsString("withdrawn"));

            falls.recover();
            // The falls provider's queue flows again: a new case reaches it, the withdrawn offer never does.
            UUID later = post(fallIn(area.district(), "C3"));
            UUID laterOffer = awaitOffer(later, 1);
            TestDatabase.await("the recovered provider has the new case",
                    () -> "delivered".equals(deliveryState(laterOffer)));
            assertEquals(1, falls.transactions().size());
            assertEquals("Task/" + laterOffer, hubId(resource(falls.transactions().get(0), "Task")));
            assertFalse(falls.stored().containsKey(taskKey(timedOut)));
            assertEquals("withdrawn", deliveryState(timedOut));
        }
    }

    @Test
    void aProviderThatHasTheOfferWhenTheCadCancelsHasItsTaskCancelledOnceAfterTheOffer() throws Exception {
        try (FhirProviderServer provider = new FhirProviderServer()) {
            Area area = area(provider.base(), null);
            ObjectNode created = fallIn(area.district(), "C3");
            UUID referral = post(created);
            UUID offer = awaitOffer(referral, 1);
            TestDatabase.await("the offer is delivered", () -> "delivered".equals(deliveryState(offer)));
            // The revocation is stored but its answer is lost, so it is sent again: the conditional update keeps it
            // one change.
            provider.failNext(1);

            CadWebhook.post(CadWebhook.follow(created, "incident.cancelled", Instant.now())).then().statusCode(202);

            TestDatabase.await("the revocation is delivered", () -> TestDatabase.count(
                    "SELECT count(*) FROM delivery_outbox WHERE referral_id = ? AND channel = 'fhir-rest' "
                            + "AND state = 'delivered'",
                    referral) == 2);
            List<Map<String, Object>> rows = TestDatabase.query("""
                    SELECT id, state FROM delivery_outbox WHERE referral_id = ? AND channel = 'fhir-rest'
                    ORDER BY sequence""", referral);
            assertEquals(2, rows.size(), "one offer, one revocation: " + rows);
            assertEquals(offer, rows.get(0).get("id"));

            List<Bundle> received = provider.transactions();
            assertEquals(3, received.size(), "the offer, then the revocation twice");
            assertEquals(Bundle.HTTPVerb.POST, taskEntry(received.get(0)).getRequest().getMethod());
            for (Bundle revocation : received.subList(1, 3)) {
                Bundle.BundleEntryComponent entry = taskEntry(revocation);
                assertEquals(Bundle.HTTPVerb.PUT, entry.getRequest().getMethod());
                assertEquals("Task?identifier=" + HubIdentifiers.HUB_RESOURCE_ID + "|Task/" + offer,
                        entry.getRequest().getUrl());
                assertEquals(rows.get(1).get("id").toString(), revocation.getIdElement().getIdPart());
            }
            Task stored = (Task) provider.stored().get(taskKey(offer));
            assertEquals(Task.TaskStatus.CANCELLED, stored.getStatus());
            assertEquals(OfferStatusReason.CANCELLED_BY_CAD.code(), stored.getStatusReason().getCodingFirstRep().getCode());
            assertEquals(received.get(0).getEntry().size(), provider.stored().size(), "every resource stored once");
        }
    }

    @Test
    void aCaseClaimedFromTheStackByAnotherServiceIsRevokedAtTheServiceItWasOfferedTo() throws Exception {
        try (FhirProviderServer falls = new FhirProviderServer()) {
            Area area = area(falls.base(), null);
            UUID referral = post(fallIn(area.district(), "C3"));
            UUID offer = awaitOffer(referral, 1);
            TestDatabase.await("the offer is delivered", () -> "delivered".equals(deliveryState(offer)));

            given().auth().oauth2(Tokens.provider(area.ucr().odsCode())).contentType("application/fhir+json")
                    .body("{\"resourceType\":\"Task\",\"status\":\"accepted\",\"intent\":\"order\","
                            + "\"focus\":{\"reference\":\"ServiceRequest/" + referral + "\"}}")
                    .post("/fhir/Task").then().statusCode(201);

            TestDatabase.await("the falls service's Task is cancelled",
                    () -> falls.stored().get(taskKey(offer)) instanceof Task task
                            && task.getStatus() == Task.TaskStatus.CANCELLED);
            assertEquals(OfferStatusReason.CLAIMED_BY_ANOTHER_SERVICE.code(), ((Task) falls.stored().get(taskKey(offer)))
                    .getStatusReason().getCodingFirstRep().getCode());
            assertEquals(2, falls.transactions().size());
        }
    }

    @Test
    void anOfferWithdrawnWhileOnTheWireStaysWithdrawnAndItsRevocationWaitsForThatAttempt() throws Exception {
        try (FhirProviderServer held = new FhirProviderServer(); FhirProviderServer other = new FhirProviderServer()) {
            held.holdRequests();
            Area area = area(held.base(), null);
            ObjectNode created = fallIn(area.district(), "C3");
            UUID referral = post(created);
            UUID offer = awaitOffer(referral, 1);
            TestDatabase.await("the offer is on the wire", () -> held.arrivals() == 1);

            CadWebhook.post(CadWebhook.follow(created, "incident.cancelled", Instant.now())).then().statusCode(202);
            assertEquals("withdrawn", deliveryState(offer));
            UUID revocation = revocationOf(referral);
            // The dispatcher claims in passes, one at a time: a delivery queued after the cancel committed and sent
            // means a pass has looked at the revocation since.
            Area otherArea = area(other.base(), null);
            UUID otherOffer = awaitOffer(post(fallIn(otherArea.district(), "C3")), 1);
            TestDatabase.await("another provider's offer is delivered", () -> "delivered".equals(deliveryState(otherOffer)));
            assertEquals("pending", deliveryState(revocation));
            assertEquals(0, attempts(revocation), "not sent while the offer is on the wire");
            assertEquals(1, held.arrivals());

            held.release();
            TestDatabase.await("the revocation is delivered", () -> "delivered".equals(deliveryState(revocation)));
            assertEquals("withdrawn", deliveryState(offer), "the offer's answer does not bring it back");
            List<Bundle> received = held.transactions();
            assertEquals(2, received.size());
            assertEquals(Bundle.HTTPVerb.POST, taskEntry(received.get(0)).getRequest().getMethod());
            assertEquals(Bundle.HTTPVerb.PUT, taskEntry(received.get(1)).getRequest().getMethod());
            assertEquals(Task.TaskStatus.CANCELLED, ((Task) held.stored().get(taskKey(offer))).getStatus());
        }
    }

    @Test
    void theWithdrawalCommitsWithTheCloseOrNotAtAll() throws Exception {
        try (FhirProviderServer held = new FhirProviderServer()) {
            held.holdRequests();
            Area area = area(held.base(), null);
            UUID referral = post(fallIn(area.district(), "C3"));
            UUID offer = awaitOffer(referral, 1);
            TestDatabase.await("the offer is on the wire", () -> held.arrivals() == 1);

            AtomicReference<String> stateInside = new AtomicReference<>();
            assertThrows(IllegalStateException.class, () -> pool.withTransaction(tx -> referrals.lockById(tx, referral)
                    .chain(found -> cascade.cancelledByCad(tx, found.orElseThrow(), true, Instant.now(),
                            new AfterCommitCounts()))
                    .chain(cancelled -> tx.preparedQuery("SELECT state FROM delivery_outbox WHERE id = $1")
                            .execute(Tuple.of(offer)))
                    .invoke(rows -> stateInside.set(rows.iterator().next().getString("state")))
                    .chain(rows -> Uni.createFrom().<Void> failure(new IllegalStateException("rolled back"))))
                    .await().atMost(WITHIN));

            assertEquals("withdrawn", stateInside.get(), "withdrawn inside the closing transaction");
            assertEquals("pending", deliveryState(offer));
            assertEquals("requested", offers(referral).get(0).get("status"));
            assertEquals(1, deliveriesTo(area.falls().id()), "no revocation either");
            held.release();
            TestDatabase.await("the offer is delivered", () -> "delivered".equals(deliveryState(offer)));
        }
    }

    /**
     * Times the offer out (its deadline passed) at a moment when no attempt of its delivery is on the wire: the
     * delivery's row is locked first, so no dispatcher claims it until the close has committed. A claimed row is
     * tried again once its attempt has failed and been rescheduled.
     */
    private void timeOutBetweenAttempts(UUID referral, UUID offer) {
        Instant afterDeadline = Instant.now().plus(Duration.ofMinutes(11));
        boolean timedOut = false;
        while (!timedOut) {
            timedOut = pool.withTransaction(tx -> tx.preparedQuery("""
                    SELECT lease_token FROM delivery_outbox WHERE id = $1 AND state = 'pending' FOR UPDATE""")
                    .execute(Tuple.of(offer)).chain(pending -> {
                        if (pending.size() == 0) {
                            throw new AssertionError("the delivery was given up before the offer timed out");
                        }
                        return pending.iterator().next().getUUID("lease_token") != null
                                ? Uni.createFrom().item(false)
                                : referrals.lockById(tx, referral)
                                        .chain(found -> cascade.advance(tx, found.orElseThrow(), afterDeadline,
                                                new AfterCommitCounts()))
                                        .replaceWith(true);
                    }))
                    .await().atMost(WITHIN);
        }
    }

    private static UUID revocationOf(UUID referral) {
        return (UUID) TestDatabase.query("""
                SELECT id FROM delivery_outbox WHERE referral_id = ? AND channel = 'fhir-rest'
                ORDER BY sequence DESC LIMIT 1""", referral).get(0).get("id");
    }

    private static long deliveriesTo(String destination) {
        return TestDatabase.count("SELECT count(*) FROM delivery_outbox WHERE destination = ?", destination);
    }

    private static long attempts(UUID delivery) {
        return TestDatabase.count("SELECT attempts FROM delivery_outbox WHERE id = ?", delivery);
    }

    /** How the provider's server knows the offer's Task: the conditional create's identifier search. */
    static String taskKey(UUID offer) {
        return HubIdentifiers.HUB_RESOURCE_ID + "|Task/" + offer;
    }

    static Bundle.BundleEntryComponent taskEntry(Bundle transaction) {
        return transaction.getEntry().stream().filter(e -> e.getResource() instanceof Task).findFirst().orElseThrow();
    }
}

package org.rightcare.hub.subscriptions;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rightcare.hub.testing.Referrals.awaitOffer;
import static org.rightcare.hub.testing.Referrals.fallIn;
import static org.rightcare.hub.testing.Referrals.post;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.testing.CallbackReceiver;
import org.rightcare.hub.testing.Referrals;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;
import org.rightcare.hub.testing.Tokens;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Provider subscriptions with a real subscriber: an HTTP server on a loopback port receives the handshake,
 * heartbeats and event notifications, parsed with HAPI as the IG's R4 notification Bundles; the subscriber reads
 * the focus through the API; a subscriber that is down gets everything in order once it is back; another
 * organisation's cases never reach it; a subscription the hub would not honour is refused and nothing is stored.
 */
@QuarkusTest
class SubscriptionsTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final String FHIR_BASE = ConfigProvider.getConfig().getValue("hub.public-base-url", String.class)
            .replaceAll("/$", "") + "/fhir/";

    /** A falls service (offered a fall first) and a UCR team of another organisation, in a district of their own. */
    record Area(String district, CommunityService falls, CommunityService ucr) {
    }

    static Area area() {
        String district = TestServices.freshDistrict();
        String key = district.toLowerCase();
        CommunityService falls = TestServices.service("subs-falls-" + key, ServiceType.FALLS_RESPONSE,
                "SF" + district, district, Duration.ofMinutes(10));
        CommunityService ucr = TestServices.service("subs-ucr-" + key, ServiceType.UCR, "SU" + district, district,
                Duration.ofMinutes(15));
        TestServices.install(falls, ucr);
        return new Area(district, falls, ucr);
    }

    /** Subscriptions this test made, by id, with their organisation: deleted after it, so none outlives its endpoint. */
    private final Map<String, String> made = new java.util.concurrent.ConcurrentHashMap<>();

    @AfterEach
    void deleteTheSubscriptionsMade() {
        made.forEach((id, ods) -> given().auth().oauth2(Tokens.provider(ods)).delete("/fhir/Subscription/" + id));
    }

    @Test
    void anActiveSubscriberHearsOfEachNewOfferAndReadsItsTask() {
        try (CallbackReceiver subscriber = new CallbackReceiver()) {
            Area area = area();
            String id = subscribe(area.falls().odsCode(), "offer", subscriber.url(), null, null);
            Bundle handshake = bundle(subscriber.awaitCount(id, 1, WITHIN).get(0));
            Parameters status = status(handshake);
            assertEquals("handshake", value(status, "type"));
            assertEquals("requested", value(status, "status"));
            assertEquals(FHIR_BASE + "SubscriptionTopic/offer", value(status, "topic"));
            assertEquals(FHIR_BASE + "Subscription/" + id, ((Reference) status.getParameter("subscription")
                    .getValue()).getReference());
            assertEquals("0", value(status, "events-since-subscription-start"));
            awaitStatus(area.falls().odsCode(), id, "active");

            UUID referral = post(fallIn(area.district(), "C3"));
            UUID offer = awaitOffer(referral, 1);
            Bundle notification = bundle(subscriber.awaitCount(id, 2, WITHIN).get(1));
            assertEquals(Bundle.BundleType.HISTORY, notification.getType());
            Parameters event = status(notification);
            assertEquals("event-notification", value(event, "type"));
            assertEquals("active", value(event, "status"));
            assertEquals("1", value(event, "events-since-subscription-start"));
            assertEquals("1", part(event, "event-number"));
            String focus = part(event, "focus");
            assertEquals(FHIR_BASE + "Task/" + offer, focus);

            // The topic is published where its canonical says, as R4 carries a SubscriptionTopic (a Basic).
            org.hl7.fhir.r4.model.Basic published = FHIR.newJsonParser().parseResource(
                    org.hl7.fhir.r4.model.Basic.class, given().auth().oauth2(Tokens.provider(area.falls().odsCode()))
                            .get("/fhir/Basic/offer").then().statusCode(200).extract().asString());
            assertEquals(topic("offer"), published.getExtensionByUrl(
                    "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.url").getValue()
                    .primitiveValue());
            // Id-only: the subscriber reads the focus through the API, as the organisation offered the case.
            given().auth().oauth2(Tokens.provider(area.falls().odsCode()))
                    .get("/fhir/Task/" + offer).then().statusCode(200);
        }
    }

    @Test
    void anotherOrganisationsOffersNeverNotify() {
        try (CallbackReceiver subscriber = new CallbackReceiver()) {
            Area mine = area();
            Area theirs = area();
            String id = subscribe(mine.falls().odsCode(), "offer", subscriber.url(), null, null);
            awaitStatus(mine.falls().odsCode(), id, "active");

            UUID otherOffer = awaitOffer(post(fallIn(theirs.district(), "C3")), 1);
            UUID myOffer = awaitOffer(post(fallIn(mine.district(), "C3")), 1);
            // One queue per subscription, in commit order: had the other offer been notified, it would come first.
            Parameters event = status(bundle(subscriber.awaitCount(id, 2, WITHIN).get(1)));
            assertEquals(FHIR_BASE + "Task/" + myOffer, part(event, "focus"));
            assertEquals("1", part(event, "event-number"));
            assertTrue(subscriber.received(id).stream().noneMatch(r -> r.text().contains(otherOffer.toString())));
        }
    }

    @Test
    void aStackSubscriberHearsACaseEnterItsStackAndLeaveIt() {
        try (CallbackReceiver subscriber = new CallbackReceiver()) {
            Area area = area();
            // The UCR team is not offered the fall (the falls service is first) but could claim it from its stack.
            String id = subscribe(area.ucr().odsCode(), "stack", subscriber.url(),
                    "ServiceRequest?service=HealthcareService/" + area.ucr().id(), null);
            awaitStatus(area.ucr().odsCode(), id, "active");

            UUID referral = post(fallIn(area.district(), "C3"));
            UUID offer = awaitOffer(referral, 1);
            Parameters entered = status(bundle(subscriber.awaitCount(id, 2, WITHIN).get(1)));
            assertEquals(FHIR_BASE + "ServiceRequest/" + referral, part(entered, "focus"));
            given().auth().oauth2(Tokens.provider(area.ucr().odsCode()))
                    .get("/fhir/ServiceRequest/" + referral).then().statusCode(200);

            Referrals.answer(offer, area.falls().odsCode(), "accepted", null, null).then().statusCode(200);
            Parameters left = status(bundle(subscriber.awaitCount(id, 3, WITHIN).get(2)));
            assertEquals(FHIR_BASE + "ServiceRequest/" + referral, part(left, "focus"));
            assertEquals("2", part(left, "event-number"));
            // The case has left the stack: the UCR team may no longer see it.
            given().auth().oauth2(Tokens.provider(area.ucr().odsCode()))
                    .get("/fhir/ServiceRequest/" + referral).then().statusCode(404);
        }
    }

    @Test
    void heartbeatsKeepAQuietSubscriptionAlive() {
        try (CallbackReceiver subscriber = new CallbackReceiver()) {
            Area area = area();
            String id = subscribe(area.falls().odsCode(), "offer", subscriber.url(), null, 1);
            List<CallbackReceiver.Received> received = subscriber.awaitCount(id, 3, WITHIN);
            Parameters heartbeat = status(bundle(received.get(1)));
            assertEquals("heartbeat", value(heartbeat, "type"));
            assertEquals("active", value(heartbeat, "status"));
            assertEquals("0", value(heartbeat, "events-since-subscription-start"));
            assertEquals("heartbeat", value(status(bundle(received.get(2))), "type"));
        }
    }

    @Test
    void aSubscriberThatWasDownGetsEveryNotificationInOrderOnceItIsBack() {
        try (CallbackReceiver subscriber = new CallbackReceiver()) {
            Area area = area();
            String id = subscribe(area.falls().odsCode(), "offer", subscriber.url(), null, null);
            awaitStatus(area.falls().odsCode(), id, "active");
            // Down: connections dropped, then 503s, then it is back.
            subscriber.script(id, CallbackReceiver.Answer.drop(), CallbackReceiver.Answer.drop(),
                    CallbackReceiver.Answer.status(503), CallbackReceiver.Answer.status(503));
            List<UUID> offers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                offers.add(awaitOffer(post(fallIn(area.district(), "C3")), 1));
            }
            subscriber.await(id, r -> eventNumbers(r).contains("3"), WITHIN);

            List<String> numbers = eventNumbers(subscriber.received(id));
            List<String> firstArrivals = numbers.stream().distinct().toList();
            assertEquals(List.of("1", "2", "3"), firstArrivals, "each arrives after the one before: " + numbers);
            for (int i = 1; i < numbers.size(); i++) {
                assertTrue(Integer.parseInt(numbers.get(i)) >= Integer.parseInt(numbers.get(i - 1)),
                        "never an earlier one after a later one: " + numbers);
            }
            List<String> foci = subscriber.received(id).stream().skip(1).map(r -> part(status(bundle(r)), "focus"))
                    .distinct().toList();
            assertEquals(offers.stream().map(o -> FHIR_BASE + "Task/" + o).toList(), foci);
        }
    }

    @Test
    void deletingASubscriptionWithdrawsWhatWasStillQueuedForIt() {
        try (CallbackReceiver subscriber = new CallbackReceiver()) {
            Area area = area();
            String ods = area.falls().odsCode();
            String id = subscribe(ods, "offer", subscriber.url(), null, null);
            awaitStatus(ods, id, "active");
            subscriber.script(id, java.util.stream.Stream.generate(() -> CallbackReceiver.Answer.status(503))
                    .limit(1000).toArray(CallbackReceiver.Answer[]::new));
            awaitOffer(post(fallIn(area.district(), "C3")), 1);
            String queue = "subscription/" + id;
            TestDatabase.await("the offer's notification is being retried", () -> TestDatabase.count(
                    "SELECT count(*) FROM delivery_outbox WHERE destination = ? AND state = 'pending' AND attempts > 0",
                    queue) == 1);

            given().auth().oauth2(Tokens.provider(ods)).delete("/fhir/Subscription/" + id).then().statusCode(204);
            made.remove(id);

            assertEquals(0, TestDatabase.count(
                    "SELECT count(*) FROM delivery_outbox WHERE destination = ? AND state = 'pending'", queue));
            assertEquals(1, TestDatabase.count(
                    "SELECT count(*) FROM delivery_outbox WHERE destination = ? AND state = 'withdrawn'", queue));
        }
    }

    @Test
    void aHandshakeThatCannotBeDeliveredLeavesTheSubscriptionInError() {
        Area area = area();
        String id = subscribe(area.falls().odsCode(), "offer", "http://127.0.0.1:9/notifications", null, null);
        awaitStatus(area.falls().odsCode(), id, "error");
    }

    @Test
    void aSubscriptionTheHubWouldNotHonourIsRefusedAndNothingIsStored() {
        Area area = area();
        Area other = area();
        String ods = area.falls().odsCode();
        String good = "http://127.0.0.1:9/n";
        Map<String, String> refusals = Map.of(
                "UNKNOWN_TOPIC", body("https://elsewhere.example/SubscriptionTopic/offer", null, good, null, null),
                "INVALID_ENDPOINT", body(topic("offer"), null, "http://provider.example/notifications", null, null),
                "UNSUPPORTED_PAYLOAD", body(topic("offer"), null, good, "full-resource", null),
                "UNSUPPORTED_CHANNEL", body(topic("offer"), null, good, null, null).replace("rest-hook", "websocket"),
                "INVALID_FILTER", body(topic("offer"), "Task?service=HealthcareService/" + other.falls().id(), good,
                        null, null),
                "INVALID_STATUS", body(topic("offer"), null, good, null, null).replace("requested", "active"));
        refusals.forEach((code, body) -> {
            Response response = create(ods, body);
            assertEquals(422, response.statusCode(), code + ": " + response.asString());
            OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.asString());
            assertEquals(code, outcome.getIssueFirstRep().getDetails().getCodingFirstRep().getCode());
        });
        assertEquals(400, create(ods, "{\"resourceType\":\"Patient\"}").statusCode());
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM subscription WHERE ods_code = ?", ods));
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM delivery_outbox WHERE channel = 'subscription' "
                + "AND payload LIKE ?", "%" + ods + "%"));
    }

    @Test
    void onlyTheOwningOrganisationSeesOrChangesItsSubscription() {
        Area area = area();
        String owner = area.falls().odsCode();
        String stranger = area.ucr().odsCode();
        String id = subscribe(owner, "offer", "http://127.0.0.1:9/n", null, null);

        given().auth().oauth2(Tokens.provider(stranger)).get("/fhir/Subscription/" + id).then().statusCode(404);
        given().auth().oauth2(Tokens.provider(stranger)).contentType("application/fhir+json")
                .body(body(topic("offer"), null, "http://127.0.0.1:9/n", null, "off"))
                .put("/fhir/Subscription/" + id).then().statusCode(404);
        given().auth().oauth2(Tokens.provider(stranger)).delete("/fhir/Subscription/" + id).then().statusCode(404);
        assertEquals(0, search(stranger, "").getTotal());
        assertEquals(List.of(id), search(owner, "").getEntry().stream()
                .map(e -> e.getResource().getIdElement().getIdPart()).toList());

        given().auth().oauth2(Tokens.provider(owner)).contentType("application/fhir+json")
                .body(body(topic("offer"), null, "http://127.0.0.1:9/n", null, "off"))
                .put("/fhir/Subscription/" + id).then().statusCode(200);
        assertEquals(1, search(owner, "?status=off").getTotal());
        assertEquals(0, search(owner, "?status=requested,active").getTotal());
        given().auth().oauth2(Tokens.provider(owner)).delete("/fhir/Subscription/" + id).then().statusCode(204);
        given().auth().oauth2(Tokens.provider(owner)).get("/fhir/Subscription/" + id).then().statusCode(404);
        // The hub's own staff have no subscriptions of their own.
        given().auth().oauth2(Tokens.hubClinician()).get("/fhir/Subscription").then().statusCode(403);
    }

    @Test
    void aSubscriptionWrittenWithReturnMinimalIsAnsweredWithItsLocationOnly() {
        String owner = area().falls().odsCode();
        Response created = given().auth().oauth2(Tokens.provider(owner)).contentType("application/fhir+json")
                .header("Prefer", "return=minimal").body(body(topic("offer"), null, "http://127.0.0.1:9/n", null, null))
                .post("/fhir/Subscription");
        created.then().statusCode(201);
        assertEquals("", created.asString(), "no body");
        assertEquals("return=minimal", created.header("Preference-Applied"));
        String id = created.header("Location").replaceAll(".*/Subscription/", "");
        made.put(id, owner);
        given().auth().oauth2(Tokens.provider(owner)).get("/fhir/Subscription/" + id).then().statusCode(200);

        Response updated = given().auth().oauth2(Tokens.provider(owner)).contentType("application/fhir+json")
                .header("Prefer", "return=minimal").body(body(topic("offer"), null, "http://127.0.0.1:9/n", null, "off"))
                .put("/fhir/Subscription/" + id);
        updated.then().statusCode(200);
        assertEquals("", updated.asString());
        assertEquals(1, search(owner, "?status=off").getTotal(), "the update was applied");
    }

    /** Creates a subscription as the organisation's system; returns its id. */
    String subscribe(String ods, String topic, String endpoint, String filter, Integer heartbeatSeconds) {
        String body = body(topic(topic), filter, endpoint, null, null);
        if (heartbeatSeconds != null) {
            body = body.replace("\"channel\":{", "\"channel\":{\"extension\":[{\"url\":\""
                    + SubscriptionFhir.HEARTBEAT_PERIOD + "\",\"valueUnsignedInt\":" + heartbeatSeconds + "}],");
        }
        Response response = create(ods, body);
        response.then().statusCode(201);
        Subscription created = FHIR.newJsonParser().parseResource(Subscription.class, response.asString());
        assertEquals(Subscription.SubscriptionStatus.REQUESTED, created.getStatus());
        made.put(created.getIdElement().getIdPart(), ods);
        return created.getIdElement().getIdPart();
    }

    static String topic(String code) {
        return FHIR_BASE + "SubscriptionTopic/" + code;
    }

    /** A Subscription as the IG shapes it for R4; null leaves the optional parts out. */
    static String body(String topic, String filter, String endpoint, String payloadContent, String status) {
        String criteriaExtension = filter == null ? ""
                : ",\"_criteria\":{\"extension\":[{\"url\":\""
                        + SubscriptionFhir.FILTER_CRITERIA + "\",\"valueString\":\"" + filter + "\"}]}";
        return """
                {"resourceType":"Subscription","status":"%s","reason":"test","criteria":"%s"%s,
                 "channel":{"type":"rest-hook","endpoint":"%s","payload":"application/fhir+json",
                            "_payload":{"extension":[{"url":"%s","valueCode":"%s"}]}}}
                """.formatted(status == null ? "requested" : status, topic, criteriaExtension, endpoint,
                SubscriptionFhir.PAYLOAD_CONTENT, payloadContent == null ? "id-only" : payloadContent);
    }

    static Response create(String ods, String body) {
        return given().auth().oauth2(Tokens.provider(ods)).contentType("application/fhir+json").body(body)
                .post("/fhir/Subscription");
    }

    static Bundle search(String ods, String query) {
        Response response = given().auth().oauth2(Tokens.provider(ods)).urlEncodingEnabled(false)
                .get("/fhir/Subscription" + query);
        response.then().statusCode(200);
        return FHIR.newJsonParser().parseResource(Bundle.class, response.asString());
    }

    static void awaitStatus(String ods, String id, String status) {
        TestDatabase.await("subscription " + id + " is " + status, () -> status.equals(given().auth()
                .oauth2(Tokens.provider(ods)).get("/fhir/Subscription/" + id).then().statusCode(200).extract()
                .path("status")));
    }

    static Bundle bundle(CallbackReceiver.Received received) {
        assertTrue(received.contentType().startsWith("application/fhir+json"), received.contentType());
        return FHIR.newJsonParser().parseResource(Bundle.class, received.text());
    }

    /** The notification's SubscriptionStatus: the first entry, as the IG requires. */
    static Parameters status(Bundle notification) {
        Parameters status = (Parameters) notification.getEntryFirstRep().getResource();
        assertEquals(NotificationBundles.STATUS_PROFILE, status.getMeta().getProfile().get(0).getValue());
        return status;
    }

    static String value(Parameters parameters, String name) {
        return parameters.getParameter(name).getValue().primitiveValue();
    }

    static String part(Parameters status, String name) {
        return status.getParameter().stream().filter(p -> p.getName().equals("notification-event"))
                .flatMap(p -> p.getPart().stream()).filter(p -> p.getName().equals(name)).findFirst()
                .map(p -> p.getValue() instanceof Reference r ? r.getReference() : p.getValue().primitiveValue())
                .orElseThrow();
    }

    /** The event numbers of the event notifications received, in arrival order (retries included). */
    static List<String> eventNumbers(List<CallbackReceiver.Received> received) {
        return received.stream().map(r -> status(bundle(r)))
                .filter(s -> "event-notification".equals(value(s, "type"))).map(s -> part(s, "event-number")).toList();
    }
}

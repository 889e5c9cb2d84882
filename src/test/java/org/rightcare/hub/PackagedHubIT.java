package org.rightcare.hub;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.awaitility.Awaitility;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.bars.BarsMessaging;
import org.rightcare.hub.cad.WebhookSignature;
import org.rightcare.hub.fhir.HubIdentifiers;
import org.rightcare.hub.testing.BoardSession;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.CallbackReceiver;
import org.rightcare.hub.testing.DirectoryFixtures;
import org.rightcare.hub.testing.FhirProviderServer;
import org.rightcare.hub.testing.HubTestResources;
import org.rightcare.hub.testing.TestServices;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;

/**
 * The packaged hub, driven from outside as its callers drive it: the jar with {@code -DskipITs=false}, the native
 * executable under {@code -Pnative}, the same tests for both, so a difference between the two packages is a failure.
 * Each test exercises what a native image must carry (reflection, resources, class initialisation): the signed CAD
 * webhook and its JSON Schema, HAPI's JSON and XML, the outbox to a {@code fhir-rest} provider and a BaRS receiver,
 * OIDC bearer tokens and the board's code flow, Qute, Flyway, the reactive PostgreSQL client, the what-if report.
 *
 * <p>
 * These tests are about what the package carries, not how fast it answers: the machine that runs them may be busy,
 * so every wait is long (the {@code it} profile gives deliveries time in the same spirit).
 */
@QuarkusIntegrationTest
class PackagedHubIT {

    /** Generous: a busy build machine, a cold native or JVM process, the first HAPI context of a run. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void isReadyOnItsMigratedDatabaseAndServesHealthAndMetrics() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("# TYPE"))
                .body(containsString("http_server_requests"));
        given().get("/openapi").then().statusCode(200);
    }

    @Test
    void aSignedCadEventIsReadableAsFhirJsonAndXmlWithABearerToken() {
        ObjectNode event = CadWebhook.event("incident-created.json");
        String referral = CadWebhook.post(event).then().statusCode(202).body("referralId", notNullValue()).extract()
                .path("referralId");

        given().accept("application/fhir+json").get("/fhir/metadata").then().statusCode(200)
                .body("resourceType", equalTo("CapabilityStatement")).body("fhirVersion", equalTo("4.0.1"));
        asClinician().accept("application/fhir+json").get("/fhir/ServiceRequest/" + referral).then()
                .statusCode(200).contentType(startsWith("application/fhir+json"))
                .body("resourceType", equalTo("ServiceRequest")).body("id", equalTo(referral));
        asClinician().accept("application/fhir+xml").get("/fhir/ServiceRequest/" + referral).then()
                .statusCode(200).contentType(startsWith("application/fhir+xml"))
                .body(containsString("<ServiceRequest xmlns=\"http://hl7.org/fhir\">"))
                .body(containsString(referral));
        given().accept("application/fhir+json").get("/fhir/ServiceRequest/" + referral).then().statusCode(401);
    }

    @Test
    void aBrokenEventIsRefusedWith422ListingTheBrokenRules() {
        ObjectNode event = CadWebhook.event("incident-created.json");
        event.put("eventType", "incident.exploded");
        ((ObjectNode) event.get("incident")).put("category", "C9");

        CadWebhook.post(event).then().statusCode(422).contentType("application/problem+json")
                .body("errors.pointer", hasItem("/eventType")).body("errors.pointer", hasItem("/incident/category"));
    }

    @Test
    void anOfferReachesAFhirRestProviderWhoseAnswerReachesTheCadSigned() throws Exception {
        try (FhirProviderServer provider = new FhirProviderServer(); CallbackReceiver cad = new CallbackReceiver()) {
            String district = TestServices.freshDistrict();
            String ods = "N" + district;
            install("it-fhir-rest-" + district.toLowerCase(), district, ods, "fhir-rest", provider.base());
            ObjectNode event = fallIn(district, cad.url());
            String incident = event.get("incident").get("incidentId").asText();
            CadWebhook.post(event).then().statusCode(202);

            Bundle transaction = Awaitility.await("the offer reaches the provider's FHIR server").atMost(PATIENCE)
                    .until(provider::transactions, list -> !list.isEmpty()).get(0);
            String offer = transaction.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                    .filter(Task.class::isInstance).map(task -> hubId(((Task) task).getIdentifier())).findFirst()
                    .orElseThrow().substring("Task/".length());
            given().auth().oauth2(token("provider-system-" + ods, ods, List.of("provider")))
                    .contentType("application/fhir+json")
                    .body("{\"resourceType\":\"Task\",\"id\":\"" + offer + "\",\"status\":\"accepted\",\"intent\":\"order\"}")
                    .put("/fhir/Task/" + offer).then().statusCode(200);

            List<CallbackReceiver.Received> callbacks = cad.await(incident,
                    received -> received.stream().anyMatch(r -> "referral.accepted".equals(eventType(r))), PATIENCE);
            for (CallbackReceiver.Received callback : callbacks) {
                WebhookSignature.Parsed signature = WebhookSignature.parse(callback.signature()).orElseThrow();
                assertTrue(WebhookSignature.matches(signature, CadWebhook.SECRET, callback.body()),
                        "signed with the CAD system's secret: " + eventType(callback));
            }
        }
    }

    @Test
    void anOfferReachesABarsReceiverAsAMessage() throws Exception {
        try (FhirProviderServer receiver = new FhirProviderServer()) {
            String district = TestServices.freshDistrict();
            install("it-bars-" + district.toLowerCase(), district, "B" + district, "bars", receiver.base());
            CadWebhook.post(fallIn(district, null)).then().statusCode(202);

            Bundle message = Awaitility.await("the offer reaches the BaRS receiver").atMost(PATIENCE)
                    .until(receiver::messages, list -> !list.isEmpty()).get(0);
            assertEquals(Bundle.BundleType.MESSAGE, message.getType());
            MessageHeader header = (MessageHeader) message.getEntryFirstRep().getResource();
            assertEquals(BarsMessaging.EVENT_SERVICE_REQUEST_REQUEST, header.getEventCoding().getCode());
        }
    }

    @Test
    void theBoardSignsAPersonInThroughTheCodeFlow() {
        BoardSession board = BoardSession.signIn(URI.create("http://localhost:" + RestAssured.port), "hub-clinician");

        assertEquals(200, board.get("/board").statusCode());
    }

    @Test
    void runsAWhatIfReport() {
        asAdmin().queryParam("days", 1).queryParam("variant", "ucr-until-22").queryParam("format", "html")
                .get("/admin/what-if/report").then().statusCode(200).contentType(startsWith("text/html"))
                .body(containsString("<svg")).body(containsString("ucr-until-22"));
        asAdmin().queryParam("days", 1).queryParam("seed", 5).get("/admin/what-if/report").then().statusCode(200)
                .body("variants[0].name", equalTo("baseline")).body("seed", equalTo(5));
    }

    /** A 24/7 UCR for the district (and only it), whose offers go to {@code url} by {@code kind}. */
    private static void install(String id, String district, String ods, String kind, URI url) {
        ObjectNode service = DirectoryFixtures.serviceDefinition(id);
        ((ObjectNode) service.get("organisation")).put("odsCode", ods);
        service.put("dosServiceId", "1" + Math.abs(id.hashCode() % 100_000_000));
        ObjectNode catchment = service.putObject("catchment");
        catchment.putArray("postcodeDistricts").add(district);
        ObjectNode hours = service.putObject("openingHours");
        ObjectNode always = hours.putArray("availableTime").addObject();
        ArrayNode days = always.putArray("daysOfWeek");
        List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun").forEach(days::add);
        always.put("allDay", true);
        ObjectNode endpoint = service.putObject("endpoint");
        endpoint.put("kind", kind);
        endpoint.put("url", url.toString());
        asAdmin().contentType("application/json").body(service.toString()).put("/admin/directory/services/" + id)
                .then().statusCode(201);
    }

    /** A fall in the district, a C3 for an adult, with the CAD's callback URL when not null. */
    private static ObjectNode fallIn(String district, String callbackUrl) {
        ObjectNode event = CadWebhook.event("incident-created.json");
        ObjectNode incident = (ObjectNode) event.get("incident");
        incident.put("receivedAt", Instant.now().minusSeconds(60).toString());
        event.put("occurredAt", Instant.now().toString());
        ObjectNode location = (ObjectNode) incident.get("location");
        location.put("postcode", TestServices.postcodeIn(district));
        location.remove("latitude");
        location.remove("longitude");
        if (callbackUrl != null) {
            event.put("callbackUrl", callbackUrl);
        }
        return event;
    }

    private static String hubId(List<Identifier> identifiers) {
        return identifiers.stream().filter(i -> HubIdentifiers.HUB_RESOURCE_ID.equals(i.getSystem()))
                .map(Identifier::getValue).findFirst().orElseThrow();
    }

    private static String eventType(CallbackReceiver.Received callback) {
        return callback.json().path("eventType").asText();
    }

    private static RequestSpecification asClinician() {
        return given().auth().oauth2(token("hub-clinician-1", null, List.of("hub-clinician")));
    }

    private static RequestSpecification asAdmin() {
        return given().auth().oauth2(token("admin-it", "QKS", List.of("hub-admin")));
    }

    /**
     * A bearer token as the hub's test profile accepts it, signed here with the key pair the suite's test resource
     * gave the packaged hub (this JVM is not the hub's, so it cannot ask the hub's own token issuer).
     */
    private static String token(String subject, String organisation, List<String> roles) {
        try {
            String pem = Files.readString(Path.of(URI.create(HubTestResources.tokenSigningKey())));
            byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            var claims = Jwt.issuer("https://rightcare-hub.test/issuer").audience("rightcare-hub").subject(subject)
                    .claim("roles", roles).expiresIn(Duration.ofHours(1));
            if (organisation != null) {
                claims.claim("org", organisation);
            }
            return claims.sign(key);
        } catch (Exception e) {
            throw new IllegalStateException("Could not sign a test token", e);
        }
    }
}

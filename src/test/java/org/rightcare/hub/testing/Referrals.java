package org.rightcare.hub.testing;

import static io.restassured.RestAssured.given;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Drives referrals through the send-back loop as a CAD and a provider would: a fall posted in a test's own district,
 * its offers read from the database, and answers given through the FHIR Task API.
 */
public final class Referrals {

    private Referrals() {
    }

    public static ObjectNode fallIn(String district, String category) {
        ObjectNode event = CadWebhook.event("incident-created.json");
        ObjectNode incident = (ObjectNode) event.get("incident");
        incident.put("category", category);
        incident.put("receivedAt", Instant.now().minusSeconds(60).toString());
        ((ObjectNode) incident.get("location")).put("postcode", TestServices.postcodeIn(district));
        ((ObjectNode) incident.get("location")).remove("latitude");
        ((ObjectNode) incident.get("location")).remove("longitude");
        return event;
    }

    public static UUID post(ObjectNode event) {
        return UUID.fromString(CadWebhook.post(event).then().statusCode(202).extract().path("referralId"));
    }

    public static List<Map<String, Object>> offers(UUID referralId) {
        return TestDatabase.query(
                "SELECT id, service_id, status, status_reason_code FROM offer WHERE referral_id = ? ORDER BY sequence",
                referralId);
    }

    public static UUID awaitOffer(UUID referralId, int count) {
        TestDatabase.await("referral " + referralId + " has " + count + " offers", () -> offers(referralId).size() >= count);
        return (UUID) offers(referralId).get(count - 1).get("id");
    }

    /** The last CAD callback queued for the referral, as the CAD will read it. */
    public static JsonNode lastCallback(UUID referralId) {
        try {
            return new ObjectMapper().readTree(TestDatabase.text("""
                    SELECT payload FROM delivery_outbox WHERE referral_id = ? AND channel = 'cad-callback'
                    ORDER BY sequence DESC LIMIT 1""", referralId));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Response answer(UUID offerId, String ods, String status, String reasonSystem, String reasonCode) {
        return answerRequest(offerId, ods, status, reasonSystem, reasonCode).put("/fhir/Task/" + offerId);
    }

    /** The provider's answer as {@link #answer} sends it, for a test that adds headers of its own before the PUT. */
    public static RequestSpecification answerRequest(UUID offerId, String ods, String status, String reasonSystem,
            String reasonCode) {
        String reason = reasonCode == null ? ""
                : """
                        ,"statusReason":{"coding":[{"system":"%s","code":"%s"}],"text":"answered by a test"}"""
                        .formatted(reasonSystem, reasonCode);
        return given().auth().oauth2(Tokens.provider(ods)).contentType("application/fhir+json")
                .body("{\"resourceType\":\"Task\",\"id\":\"" + offerId + "\",\"status\":\"" + status
                        + "\",\"intent\":\"order\"" + reason + "}");
    }
}

package org.rightcare.hub.testing;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * BaRS messages a provider's system posts to the hub's {@code $process-message}: the project's own fixtures under
 * {@code src/test/resources/bars/} with their placeholders filled in, and the BaRS headers a sender adds.
 */
public final class BarsMessages {

    /** The DoS service id the test messages address the hub by (MessageHeader.destination, NHSD-Target-Identifier). */
    public static final String HUB_DOS_SERVICE_ID = "2000999999";
    public static final String DOS_SYSTEM = "https://fhir.nhs.uk/Id/dos-service-id";
    /** The NHS number of the patient of the CAD fixtures (cad/incident-created.json), whom the messages are about. */
    public static final String FIXTURE_PATIENT_NHS_NUMBER = "9434765919";

    private BarsMessages() {
    }

    /**
     * A fixture for the referral, answering the validation request of that offer (whose Bundle.id is the offer's id),
     * from the service with that DoS id, with a fresh Bundle.id.
     *
     * @param name {@code interim-in-progress}, {@code interim-rejected} or {@code final-response}
     */
    public static String message(String name, UUID referralId, UUID offerId, String sourceDosServiceId,
            String senderOds) {
        return message(name, referralId, offerId, sourceDosServiceId, senderOds, FIXTURE_PATIENT_NHS_NUMBER);
    }

    /** As {@link #message(String, UUID, UUID, String, String)}, about the patient with that NHS number. */
    public static String message(String name, UUID referralId, UUID offerId, String sourceDosServiceId,
            String senderOds, String patientNhsNumber) {
        return fill(fixture(name), Map.of("bundleId", UUID.randomUUID().toString(), "referralId",
                referralId.toString(), "sourceDosServiceId", sourceDosServiceId, "senderOds", senderOds,
                "hubDosServiceId", HUB_DOS_SERVICE_ID, "respondingTo", offerId.toString(), "patientNhsNumber",
                patientNhsNumber));
    }

    public static String fixture(String name) {
        try (InputStream in = BarsMessages.class.getResourceAsStream("/bars/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture bars/" + name + ".json");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String fill(String template, Map<String, String> values) {
        String filled = template;
        for (Map.Entry<String, String> value : values.entrySet()) {
            filled = filled.replace("${" + value.getKey() + "}", value.getValue());
        }
        return filled;
    }

    /** NHSD-Target-Identifier as BaRS encodes it: Base64 of {@code {"system":...,"value":...}}. */
    public static String targetIdentifier(String dosServiceId) {
        return Base64.getEncoder().encodeToString(("{\"system\":\"" + DOS_SYSTEM + "\",\"value\":\"" + dosServiceId
                + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** The BaRS headers of one new request: fresh X-Request-Id and X-Correlation-Id, the hub as the target. */
    public static Map<String, String> headers() {
        Map<String, String> headers = new HashMap<>();
        headers.put("X-Request-Id", UUID.randomUUID().toString());
        headers.put("X-Correlation-Id", UUID.randomUUID().toString());
        headers.put("NHSD-Target-Identifier", targetIdentifier(HUB_DOS_SERVICE_ID));
        return headers;
    }

    public static Response post(String ods, String body) {
        return post(ods, body, headers(), "application/fhir+json");
    }

    public static Response post(String ods, String body, Map<String, String> headers, String contentType) {
        RequestSpecification request = given().urlEncodingEnabled(false).auth().oauth2(Tokens.provider(ods))
                .contentType(contentType)
                .headers(headers).body(body);
        return request.post("/fhir/$process-message");
    }
}

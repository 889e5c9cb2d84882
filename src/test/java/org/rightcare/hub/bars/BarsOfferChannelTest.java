package org.rightcare.hub.bars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.delivery.DeliveryOutcome;

import ca.uhn.fhir.context.FhirContext;
import io.vertx.core.json.JsonObject;

/** How the bars channel reads a receiver's answer, and how it names the receiver for the BaRS proxy. */
class BarsOfferChannelTest {

    private final BarsOfferChannel channel = new BarsOfferChannel(null, null, FhirContext.forR4Cached());

    @Test
    void aDuplicateIsAReceiverThatAlreadyHasTheMessage() {
        DeliveryOutcome outcome = channel.interpret(conflict("duplicate", "REC_CONFLICT"));
        assertEquals(new DeliveryOutcome.Delivered(409), outcome);
    }

    @Test
    void aTimeoutInjectedByTheProxyIsTriedAgain() {
        assertInstanceOf(DeliveryOutcome.Failed.class, channel.interpret(conflict("timeout", "REC_TIMEOUT")));
    }

    @Test
    void aConflictWithTheReceiversDataIsRefusedForGood() {
        DeliveryOutcome conflict = conflict("conflict", "REC_CONFLICT");
        assertSame(conflict, channel.interpret(conflict));
    }

    @Test
    void otherRefusalsAndAnswersThatAreNoOperationOutcomeStandAsTheyAre() {
        DeliveryOutcome unprocessable = new DeliveryOutcome.Rejected("HTTP 422", 422, outcome("business-rule",
                "REC_UNPROCESSABLE_ENTITY"));
        assertSame(unprocessable, channel.interpret(unprocessable));
        DeliveryOutcome html = new DeliveryOutcome.Rejected("HTTP 409", 409, "<html>busy</html>");
        assertSame(html, channel.interpret(html));
        DeliveryOutcome empty = new DeliveryOutcome.Rejected("HTTP 409", 409);
        assertSame(empty, channel.interpret(empty));
    }

    @Test
    void theTargetIdentifierIsTheDestinationAsBase64Json() {
        String header = BarsOfferChannel.targetIdentifier("https://fhir.nhs.uk/Id/dos-service-id|2000123456");
        JsonObject target = new JsonObject(new String(Base64.getDecoder().decode(header), StandardCharsets.UTF_8));
        assertEquals("2000123456", target.getString("value"));
        assertEquals("https://fhir.nhs.uk/Id/dos-service-id", target.getString("system"));
    }

    private static DeliveryOutcome.Rejected conflict(String issueCode, String barsCode) {
        return new DeliveryOutcome.Rejected("HTTP 409 Conflict", 409, outcome(issueCode, barsCode));
    }

    /** A BaRS error as the examples in bars-api/specification/examples1.4.0/OperationOutcome/REC spell it. */
    private static String outcome(String issueCode, String barsCode) {
        return """
                {"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"%s","details":{"coding":[
                {"system":"https://fhir.nhs.uk/Codesystem/http-error-codes","code":"%s"}]}}]}"""
                .formatted(issueCode, barsCode);
    }
}

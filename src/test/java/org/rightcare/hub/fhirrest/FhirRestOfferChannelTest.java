package org.rightcare.hub.fhirrest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.delivery.DeliveryOutcome;

/** How the fhir-rest channel reads a provider's answer to a transaction of conditional creates. */
class FhirRestOfferChannelTest {

    private final FhirRestOfferChannel channel = new FhirRestOfferChannel(null, null);

    @Test
    void aConflictOrFailedPreconditionOnAConditionalCreateMeansTheProviderHasTheOffer() {
        assertEquals(new DeliveryOutcome.Delivered(409),
                channel.interpret(new DeliveryOutcome.Rejected("HTTP 409 Conflict", 409)));
        assertEquals(new DeliveryOutcome.Delivered(412),
                channel.interpret(new DeliveryOutcome.Rejected("HTTP 412 Precondition Failed", 412)));
    }

    @Test
    void anyOtherAnswerMeansWhatItMeansForEveryChannel() {
        DeliveryOutcome refused = new DeliveryOutcome.Rejected("HTTP 400 Bad Request", 400);
        DeliveryOutcome failing = new DeliveryOutcome.Failed("HTTP 503", Duration.ofSeconds(5));
        DeliveryOutcome delivered = new DeliveryOutcome.Delivered(200);
        assertEquals(refused, channel.interpret(refused));
        assertEquals(failing, channel.interpret(failing));
        assertEquals(delivered, channel.interpret(delivered));
    }
}

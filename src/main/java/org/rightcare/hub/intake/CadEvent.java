package org.rightcare.hub.intake;

import java.net.URI;
import java.time.Instant;

import org.rightcare.hub.referral.Incident;

/**
 * A CAD webhook event that passed every rule of the contract.
 *
 * @param incident for cancel and close events, only {@code incidentId} is guaranteed; other fields may be null
 * @param callbackUrl null when the CAD system's configured URL applies
 */
public record CadEvent(
        String eventId,
        CadEventType eventType,
        Instant occurredAt,
        String cadSystem,
        Incident incident,
        URI callbackUrl) {
}

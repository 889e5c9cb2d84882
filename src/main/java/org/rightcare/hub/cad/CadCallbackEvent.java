package org.rightcare.hub.cad;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The body the hub POSTs to a CAD, exactly as contract v1's "Outbound: hub -> CAD" section shapes it. Absent
 * {@code service} and {@code reason} are sent as null, as the contract's example does; {@code outcome}, an
 * addition within v1, only when there is one.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({ "eventId", "eventType", "occurredAt", "cadSystem", "incidentId", "referralId", "serviceRequest",
        "status", "service", "reason", "attempts", "outcome" })
record CadCallbackEvent(String eventId, String eventType, Instant occurredAt, String cadSystem, String incidentId,
        String referralId, String serviceRequest, String status, CadCallback.ServiceSummary service,
        CadCallback.Reason reason, List<CadCallback.Attempt> attempts,
        @JsonInclude(JsonInclude.Include.NON_NULL) CadCallback.Outcome outcome) {
}

package org.rightcare.hub.bars.inbound;

import java.util.UUID;

import org.hl7.fhir.r4.model.Bundle;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.referral.CareOutcome;

/**
 * A provider's BaRS application 4 response to the hub's validation request, checked against the BaRS message rules:
 * what the hub acts on. The provider answers the hub's ServiceRequest, so the referral is the one that ServiceRequest
 * names; the offer is the one whose request MessageHeader.response.identifier names; the responding service is the one
 * its MessageHeader.source.endpoint names.
 *
 * @param bundleId Bundle.id: the message's identity, on which the hub is idempotent
 * @param respondingTo MessageHeader.response.identifier: the Bundle.id of the hub's validation request, which is the
 *        id of the offer (and of its Task) the response answers
 * @param sourceDosServiceId the DoS service id of MessageHeader.source.endpoint
 * @param rejection the NHS rejection code of an {@link Kind#REJECTED} response; null otherwise
 * @param outcome the clinical outcome of a {@link Kind#FINAL} response (CarePlan outcome text and codes); null otherwise
 * @param carePlan the full URL of the final response's CarePlan in the message; null otherwise
 * @param careOutcome the final response's answer read from its CarePlan (disposition, ARP category, summary); null
 *        otherwise
 * @param fingerprint a digest of the message as parsed, to tell a repeat of it from another message with its id
 */
public record ValidationResponse(String bundleId, String definition, Kind kind, UUID referralId, UUID respondingTo,
        String sourceDosServiceId, OfferStatusReason rejection, String outcome, String carePlan, String fingerprint,
        Bundle message, CareOutcome careOutcome) {

    /** What the response says, as APP4 defines its interim and final responses. */
    public enum Kind {
        /** Interim response, the responder's Encounter in-progress: the service has taken the case. */
        IN_PROGRESS("interim-in-progress"),
        /** Interim response, the responder's Encounter cancelled with a rejection reason: the service declines. */
        REJECTED("interim-rejected"),
        /** The (full) validation response: the outcome, with a CarePlan; the service's part is done. */
        FINAL("final");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }
}

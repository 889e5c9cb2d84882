package org.rightcare.hub.bars.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import java.util.function.UnaryOperator;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.bars.BarsMessaging;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.testing.BarsMessages;

import ca.uhn.fhir.context.FhirContext;

/**
 * The BaRS message rules, one broken at a time on the project's own response fixtures: each refusal carries the BaRS
 * code, HTTP status and issue type a BaRS receiver answers, and a message that keeps every rule is read for what it
 * says (accepted, rejected with its reason, or the outcome).
 */
class BarsMessageRulesTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final BarsMessageRules RULES = new BarsMessageRules(FHIR);
    private static final UUID REFERRAL = UUID.randomUUID();
    private static final UUID OFFER = UUID.randomUUID();
    private static final String SOURCE = "900000123";

    private static String message(String fixture) {
        return BarsMessages.message(fixture, REFERRAL, OFFER, SOURCE, "XWC");
    }

    private static BarsMessageRules.TransportHeaders headers() {
        return new BarsMessageRules.TransportHeaders(UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                BarsMessages.targetIdentifier(BarsMessages.HUB_DOS_SERVICE_ID));
    }

    private static BarsMessageRules.Checked check(String body) {
        return RULES.check(headers(), "application/fhir+json", body);
    }

    /** The fixture changed as a FHIR resource, then sent as JSON. */
    private static BarsMessageRules.Checked checkChanged(String fixture, UnaryOperator<Bundle> change) {
        Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, message(fixture));
        return check(FHIR.newJsonParser().encodeResourceToString(change.apply(bundle)));
    }

    private static ValidationResponse valid(BarsMessageRules.Checked checked) {
        return assertInstanceOf(BarsMessageRules.Valid.class, checked, () -> checked.toString()).response();
    }

    private static void refused(BarsMessageRules.Checked checked, BarsError.Code code, IssueType type) {
        BarsError error = assertInstanceOf(BarsMessageRules.Refused.class, checked).error();
        assertEquals(code, error.code(), error.diagnostics());
        assertEquals(type, error.issueType(), error.diagnostics());
        assertTrue(!error.diagnostics().isBlank());
    }

    private static MessageHeader header(Bundle bundle) {
        return (MessageHeader) bundle.getEntryFirstRep().getResource();
    }

    @Test
    void readsAnInterimResponseInProgressAsAcceptedForTheReferralItNames() {
        ValidationResponse response = valid(check(message("interim-in-progress")));

        assertEquals(ValidationResponse.Kind.IN_PROGRESS, response.kind());
        assertEquals(REFERRAL, response.referralId());
        assertEquals(OFFER, response.respondingTo());
        assertEquals(SOURCE, response.sourceDosServiceId());
        assertEquals(BarsMessaging.INTERIM_RESPONSE_DEFINITION, response.definition());
    }

    @Test
    void readsACancelledEncounterAsARejectionWithItsNhsReason() {
        ValidationResponse response = valid(check(message("interim-rejected")));

        assertEquals(ValidationResponse.Kind.REJECTED, response.kind());
        assertEquals(new OfferStatusReason(OfferStatusReason.DOS_SYSTEM, "22", "Both crews committed until 16:00"),
                response.rejection());
    }

    @Test
    void readsTheFinalResponsesOutcomeAndCarePlan() {
        ValidationResponse response = valid(check(message("final-response")));

        assertEquals(ValidationResponse.Kind.FINAL, response.kind());
        assertEquals("Patient lifted, no injury found; no ambulance required", response.outcome());
        assertEquals("urn:uuid:4f0f1c1e-0000-4000-8000-000000000041", response.carePlan());
    }

    @Test
    void readsTheSameMessageInXmlAsInJsonWithOneFingerprint() {
        String json = message("interim-in-progress");
        String xml = FHIR.newXmlParser().encodeResourceToString(FHIR.newJsonParser().parseResource(Bundle.class, json));

        ValidationResponse fromJson = valid(check(json));
        ValidationResponse fromXml = valid(RULES.check(headers(), "application/fhir+xml", xml));

        assertEquals(fromJson.fingerprint(), fromXml.fingerprint());
    }

    @Test
    void findsTheRespondersEncounterWhenTheFocusIsTheServiceRequest() {
        ValidationResponse response = valid(checkChanged("interim-in-progress", bundle -> {
            header(bundle).getFocusFirstRep().setReference("urn:uuid:4f0f1c1e-0000-4000-8000-000000000002");
            return bundle;
        }));

        assertEquals(ValidationResponse.Kind.IN_PROGRESS, response.kind());
    }

    @Test
    void refusesMissingOrMalformedTransportHeaders() {
        String body = message("interim-in-progress");
        String target = BarsMessages.targetIdentifier(BarsMessages.HUB_DOS_SERVICE_ID);
        String id = UUID.randomUUID().toString();

        refused(RULES.check(new BarsMessageRules.TransportHeaders(null, id, target), null, body),
                BarsError.Code.REC_BAD_REQUEST, IssueType.REQUIRED);
        refused(RULES.check(new BarsMessageRules.TransportHeaders(id, "not-a-uuid", target), null, body),
                BarsError.Code.REC_BAD_REQUEST, IssueType.INVALID);
        refused(RULES.check(new BarsMessageRules.TransportHeaders(id, id, null), null, body),
                BarsError.Code.REC_BAD_REQUEST, IssueType.REQUIRED);
        refused(RULES.check(new BarsMessageRules.TransportHeaders(id, id, "e30="), null, body),
                BarsError.Code.REC_BAD_REQUEST, IssueType.INVALID);
    }

    @Test
    void refusesABodyThatIsNoMessageBundle() {
        refused(check(""), BarsError.Code.REC_BAD_REQUEST, IssueType.REQUIRED);
        refused(check("{\"resourceType\":\"Bundle\""), BarsError.Code.REC_BAD_REQUEST, IssueType.STRUCTURE);
        refused(check("{\"resourceType\":\"ServiceRequest\",\"status\":\"active\",\"intent\":\"plan\"}"),
                BarsError.Code.REC_BAD_REQUEST, IssueType.INVALID);
        refused(checkChanged("interim-in-progress", b -> b.setType(Bundle.BundleType.COLLECTION)),
                BarsError.Code.REC_BAD_REQUEST, IssueType.INVALID);
        refused(checkChanged("interim-in-progress", b -> {
            b.setId((String) null);
            return b;
        }), BarsError.Code.REC_BAD_REQUEST, IssueType.REQUIRED);
        refused(checkChanged("interim-in-progress", b -> {
            b.getEntry().add(b.getEntry().remove(0));
            return b;
        }), BarsError.Code.REC_BAD_REQUEST, IssueType.INVALID);
    }

    @Test
    void refusesAMessageWithoutAVersionAndOneOfAVersionTheHubDoesNotRead() {
        refused(checkChanged("interim-in-progress", b -> {
            b.getMeta().setVersionId(null);
            b.setId(b.getIdElement().getIdPart());
            return b;
        }), BarsError.Code.REC_BAD_REQUEST, IssueType.INVARIANT);
        refused(checkChanged("interim-in-progress", b -> {
            b.getMeta().setVersionId("2.0.0");
            b.setId(b.getIdElement().getIdPart());
            return b;
        }), BarsError.Code.REC_UNPROCESSABLE_ENTITY, IssueType.NOTSUPPORTED);
    }

    @Test
    void refusesAMessageHeaderThatDoesNotSayWhatTheMessageIs() {
        refused(checkChanged("interim-in-progress", b -> {
            header(b).setDefinition(null);
            return b;
        }), BarsError.Code.REC_BAD_REQUEST, IssueType.REQUIRED);
        refused(checkChanged("interim-in-progress", b -> {
            header(b).setDefinition("https://example.org/MessageDefinition/made-up");
            return b;
        }), BarsError.Code.REC_BAD_REQUEST, IssueType.VALUE);
        refused(checkChanged("interim-in-progress", b -> {
            header(b).setDefinition("https://fhir.nhs.uk/MessageDefinition/bars-message-booking-request");
            return b;
        }), BarsError.Code.REC_UNPROCESSABLE_ENTITY, IssueType.NOTSUPPORTED);
        refused(checkChanged("interim-in-progress", b -> {
            header(b).getEventCoding().setCode("servicerequest-request");
            return b;
        }), BarsError.Code.REC_BAD_REQUEST, IssueType.INVARIANT);
        refused(checkChanged("interim-in-progress", b -> {
            header(b).getReason().getCodingFirstRep().setCode("delete");
            return b;
        }), BarsError.Code.REC_BAD_REQUEST, IssueType.INVARIANT);
        refused(checkChanged("interim-in-progress", b -> {
            header(b).setResponse(null);
            return b;
        }), BarsError.Code.REC_BAD_REQUEST, IssueType.REQUIRED);
        refused(checkChanged("interim-in-progress", b -> {
            header(b).getFocus().clear();
            return b;
        }), BarsError.Code.REC_BAD_REQUEST, IssueType.REQUIRED);
        refused(checkChanged("interim-in-progress", b -> {
            header(b).getFocusFirstRep().setReference("urn:uuid:00000000-0000-4000-8000-0000000000ff");
            return b;
        }), BarsError.Code.REC_BAD_REQUEST, IssueType.INVALID);
    }

    @Test
    void refusesEndpointsThatAreNotDosServiceIds() {
        // BaRS's own examples sometimes write the system with http://, a known upstream defect.
        refused(checkChanged("interim-in-progress", b -> {
            header(b).getSource().setEndpoint("http://fhir.nhs.uk/Id/dos-service-id|" + SOURCE);
            return b;
        }), BarsError.Code.REC_BAD_REQUEST, IssueType.VALUE);
        refused(checkChanged("interim-in-progress", b -> {
            header(b).getDestinationFirstRep().setEndpoint("https://fhir.nhs.uk/Id/dos-service-id|1111111111");
            return b;
        }), BarsError.Code.REC_BAD_REQUEST, IssueType.VALUE);
    }

    @Test
    void refusesResourcesTheDefinitionDoesNotAllowOrInTheWrongNumber() {
        refused(checkChanged("interim-in-progress", b -> {
            b.getEntry().remove(3);
            return b;
        }), BarsError.Code.REC_BAD_REQUEST, IssueType.INVARIANT);
        refused(checkChanged("interim-in-progress", b -> {
            b.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(new org.hl7.fhir.r4.model.Task());
            return b;
        }), BarsError.Code.REC_BAD_REQUEST, IssueType.INVARIANT);
    }

    @Test
    void refusesWorkflowVariablesThatMakeNoKnownResponse() {
        refused(checkChanged("interim-in-progress", b -> {
            ((org.hl7.fhir.r4.model.Encounter) b.getEntry().get(4).getResource())
                    .setStatus(org.hl7.fhir.r4.model.Encounter.EncounterStatus.FINISHED);
            return b;
        }), BarsError.Code.REC_BAD_REQUEST, IssueType.INVARIANT);
        refused(checkChanged("interim-rejected", b -> {
            ((org.hl7.fhir.r4.model.Encounter) b.getEntry().get(4).getResource()).getReasonCode().clear();
            return b;
        }), BarsError.Code.REC_BAD_REQUEST, IssueType.CODEINVALID);
        refused(checkChanged("interim-in-progress", b -> {
            ((org.hl7.fhir.r4.model.ServiceRequest) b.getEntry().get(1).getResource()).getCategory().clear();
            return b;
        }), BarsError.Code.REC_BAD_REQUEST, IssueType.INVARIANT);
    }

    @Test
    void readsTheRequestRespondedToAsAUuidBareOrAsAUrn() {
        ValidationResponse response = valid(checkChanged("interim-in-progress", b -> {
            header(b).getResponse().setIdentifier("urn:uuid:" + OFFER);
            return b;
        }));

        assertEquals(OFFER, response.respondingTo());
    }

    @Test
    void aResponseIdentifierThatIsNoUuidNamesNoRequestAndIsNotFound() {
        refused(checkChanged("interim-in-progress", b -> {
            header(b).getResponse().setIdentifier("validation-request-1");
            return b;
        }), BarsError.Code.REC_NOT_FOUND, IssueType.NOTFOUND);
    }

    @Test
    void aServiceRequestThatNamesNoReferralIsNotFound() {
        refused(checkChanged("interim-in-progress", b -> {
            org.hl7.fhir.r4.model.ServiceRequest request = (org.hl7.fhir.r4.model.ServiceRequest) b.getEntry().get(1)
                    .getResource();
            request.getIdentifier().clear();
            request.setId("not-a-referral");
            return b;
        }), BarsError.Code.REC_NOT_FOUND, IssueType.NOTFOUND);
    }
}

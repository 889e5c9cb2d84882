package org.rightcare.hub.cad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.cascade.ReferralChange;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferStatus;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.CareOutcome;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralStatus;
import org.rightcare.hub.referral.SendBackReason;

/** What the CAD reads in a callback's reason, attempts and outcome: the words people gave, as they gave them. */
class CallbackReasonTextTest {

    static final Instant AT = Instant.parse("2026-12-06T10:00:00Z");
    static final UUID REFERRAL = UUID.fromString("3f0e7d2a-5b1c-4c3e-9a57-8a1b1f6d2e11");

    static Referral referral(ReferralStatus status) {
        return new Referral(REFERRAL, "TEST-CAD", "INC-1", status, null, AT.plusSeconds(3600), AT, AT, 1, null, null, null,
                null);
    }

    static Offer offer(OfferStatus status, OfferStatusReason reason) {
        return new Offer(UUID.randomUUID(), REFERRAL, 1, "ucr-test", "RXY", status, reason, AT, AT.plusSeconds(600),
                AT.plusSeconds(60), AT.plusSeconds(60), 2);
    }

    @Test
    void aSendBackCarriesTheWordsOfWhoeverDecidedItAndEachAttemptItsServicesWords() {
        Offer declined = offer(OfferStatus.REJECTED,
                new OfferStatusReason(OfferStatusReason.DOS_SYSTEM, "23", "Patient needs a hoist we do not carry"));
        ReferralChange change = new ReferralChange(referral(ReferralStatus.OFFERED), referral(ReferralStatus.SENT_BACK),
                List.of(declined), AT, "Patient needs a hoist we do not carry", null);

        CadCallback callback = ReferralCallbacks.callback(CadCallbackType.SENT_BACK, change, Optional.empty(),
                SendBackReason.CLINICALLY_INAPPROPRIATE);

        assertEquals("clinically-inappropriate", callback.reason().code());
        assertEquals("Patient needs a hoist we do not carry", callback.reason().text());
        assertEquals("Patient needs a hoist we do not carry", callback.attempts().get(0).text());
    }

    @Test
    void noWordsMeansNoTextAndLongWordsAreCutAtTheContractsBound() {
        assertNull(new CadCallback.Reason("other", "Other", "   ").text());
        String longText = "x".repeat(CadCallback.MAX_TEXT + 50);
        assertEquals(CadCallback.MAX_TEXT, new CadCallback.Reason("other", "Other", longText).text().length());
        String surrogateAtTheCut = "x".repeat(CadCallback.MAX_TEXT - 1) + "\uD83D\uDE91" + "tail";
        String cut = new CadCallback.Attempt("s", "rejected", "other", AT, surrogateAtTheCut).text();
        assertEquals(CadCallback.MAX_TEXT - 1, cut.length(), "a character is never cut in half");
    }

    @Test
    void everyReasonCodeOfTheContractsAdditionsIsASendBackCode() {
        for (String code : List.of("breach-passed", "clinician-requests-ambulance", "deteriorated", "conveying",
                "provider-unreachable", "hub-error")) {
            assertTrue(CadCallback.SENT_BACK_REASON_CODES.contains(code), code);
        }
    }

    @Test
    void anUndeliverableOfferIsReportedAsProviderUnreachableNotTimedOut() {
        assertEquals(SendBackReason.PROVIDER_UNREACHABLE, OfferStatusReason.UNDELIVERABLE.asSendBackReason());
        assertEquals(SendBackReason.TIMED_OUT, OfferStatusReason.TIMED_OUT.asSendBackReason());
    }

    @Test
    void aFinalAnswerIsCarriedAsTheContractsOutcome() {
        CareOutcome outcome = new CareOutcome("https://fhir.nhs.uk/CodeSystem/UEC-PathwaysDispositionCode", "Dx012",
                "Emergency Ambulance Response", ArpCategory.C2, "Chest pain on exertion; ambulance requested");
        ReferralChange change = new ReferralChange(referral(ReferralStatus.ACCEPTED),
                referral(ReferralStatus.SENT_BACK), List.of(), AT, null, outcome);

        CadCallback callback = ReferralCallbacks.callback(CadCallbackType.SENT_BACK, change, Optional.empty(),
                SendBackReason.CLINICIAN_REQUESTS_AMBULANCE);

        assertEquals("C2", callback.outcome().arpCategory());
        assertEquals("Dx012", callback.outcome().disposition().code());
        assertEquals("Chest pain on exertion; ambulance requested", callback.outcome().summary());
    }
}

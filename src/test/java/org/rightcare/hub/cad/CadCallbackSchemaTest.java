package org.rightcare.hub.cad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rightcare.hub.cascade.ReferralChange;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferStatus;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.CareOutcome;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralStatus;
import org.rightcare.hub.referral.SendBackReason;
import org.rightcare.hub.testing.CadCallbackSchema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * Every callback the hub can send conforms to the schema it publishes for CADs ({@code cad-callback-v1.schema.json}):
 * each body is written by the outbox's own code, and the schema's lists are the code's lists. No Quarkus boot.
 */
class CadCallbackSchemaTest {

    /** Quarkus's default mapper, as the outbox is given it: java.time as ISO-8601 text. */
    private static final ObjectMapper MAPPER = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
    private static final URI FHIR_BASE = URI.create("https://hub.example.nhs.uk/fhir/");
    private static final Instant AT = CallbackReasonTextTest.AT;
    private static final String WORDS = "Patient needs a hoist we do not carry";

    // ------------------------------------------------------------------ the schema's lists are the code's

    @Test
    void theReasonCodesAreTheContractsSendBackCodes() {
        assertEquals(CadCallback.SENT_BACK_REASON_CODES, enumAt("/$defs/reasonCode/enum"));
    }

    @Test
    void theEventTypesAreTheCallbackTypes() {
        assertEquals(wire(Arrays.stream(CadCallbackType.values()).map(CadCallbackType::wireValue)),
                enumAt("/properties/eventType/enum"));
    }

    @Test
    void theStatusesAttemptOutcomesAndCategoriesAreTheHubs() {
        assertEquals(wire(Arrays.stream(ReferralStatus.values()).map(ReferralStatus::wireValue)),
                enumAt("/properties/status/enum"));
        assertEquals(wire(Arrays.stream(OfferStatus.values()).map(OfferStatus::code)),
                enumAt("/$defs/attempt/properties/outcome/enum"));
        assertEquals(wire(Arrays.stream(ArpCategory.values()).map(ArpCategory::code)),
                enumAt("/$defs/outcome/properties/arpCategory/enum"));
        assertEquals(CadCallback.MAX_TEXT, CadCallbackSchema.document().at("/$defs/text/maxLength").asInt());
    }

    @Test
    void theSchemasOwnExampleConforms() {
        for (JsonNode example : CadCallbackSchema.document().path("examples")) {
            assertEquals(List.of(), CadCallbackSchema.problems(example));
        }
    }

    // ------------------------------------------------------------------ every body the hub writes conforms

    static Stream<Arguments> callbacks() {
        CadCallback.ServiceSummary ucr = new CadCallback.ServiceSummary("maidstone-ucr", "Maidstone UCR", "ucr", "RXY",
                "2000012345");
        CadCallback.ServiceSummary noCodes = new CadCallback.ServiceSummary("falls-team", "Falls team", "falls", null,
                null);
        CadCallback.Attempt plain = new CadCallback.Attempt("maidstone-ucr", "rejected", "no-capacity", AT);
        CadCallback.Attempt worded = new CadCallback.Attempt("maidstone-ucr", "rejected", "clinically-inappropriate",
                AT, WORDS);
        CadCallback.Attempt open = new CadCallback.Attempt("falls-team", "requested", null, AT.plusSeconds(60));
        CadCallback.Outcome fullOutcome = new CadCallback.Outcome(
                new CadCallback.Coding("https://fhir.nhs.uk/CodeSystem/UEC-PathwaysDispositionCode", "Dx012",
                        "Emergency Ambulance Response"),
                "C2", "Chest pain on exertion; ambulance requested");
        CadCallback.Outcome summaryOnly = new CadCallback.Outcome(null, null, "Seen at home, care plan left");
        String longWords = "x".repeat(CadCallback.MAX_TEXT + 10);

        Stream<Arguments> direct = Stream.of(
                of("offered", new CadCallback(CadCallbackType.OFFERED, ReferralStatus.OFFERED, ucr, null, List.of())),
                of("offered after a rejection, with its words",
                        new CadCallback(CadCallbackType.OFFERED, ReferralStatus.OFFERED, noCodes, null,
                                List.of(worded, open))),
                of("accepted", new CadCallback(CadCallbackType.ACCEPTED, ReferralStatus.ACCEPTED, ucr, null,
                        List.of(plain))),
                of("completed", new CadCallback(CadCallbackType.COMPLETED, ReferralStatus.COMPLETED, ucr, null,
                        List.of())),
                of("completed with an outcome", new CadCallback(CadCallbackType.COMPLETED, ReferralStatus.COMPLETED,
                        ucr, null, List.of(), summaryOnly)),
                of("cancelled", new CadCallback(CadCallbackType.CANCELLED, ReferralStatus.CANCELLED, null, null,
                        List.of(open))),
                of("sent back without text", new CadCallback(CadCallbackType.SENT_BACK, ReferralStatus.SENT_BACK,
                        null, new CadCallback.Reason("no-capacity", "No capacity available within timescale"),
                        List.of(plain))),
                of("sent back with text, cut at the bound", new CadCallback(CadCallbackType.SENT_BACK,
                        ReferralStatus.SENT_BACK, null, new CadCallback.Reason("other", "Other", longWords),
                        List.of(new CadCallback.Attempt("maidstone-ucr", "rejected", "other", AT, longWords)))),
                of("sent back after acceptance with the clinician's outcome", new CadCallback(
                        CadCallbackType.SENT_BACK, ReferralStatus.SENT_BACK, null,
                        new CadCallback.Reason(SendBackReason.CLINICIAN_REQUESTS_AMBULANCE.code(),
                                SendBackReason.CLINICIAN_REQUESTS_AMBULANCE.display(), WORDS),
                        List.of(worded), fullOutcome)));
        // And every send-back reason, with the attempts as the listener writes them from offers.
        Stream<Arguments> everyReason = Arrays.stream(SendBackReason.values()).map(reason -> of(
                "sent back: " + reason.code() + " (as the listener writes it)",
                ReferralCallbacks.callback(CadCallbackType.SENT_BACK, change(ReferralStatus.SENT_BACK, WORDS, null,
                        offer(OfferStatus.REJECTED, new OfferStatusReason(OfferStatusReason.DOS_SYSTEM, "23", WORDS)),
                        offer(OfferStatus.FAILED, OfferStatusReason.UNDELIVERABLE)), Optional.empty(), reason)));
        Stream<Arguments> listener = Stream.of(
                of("completed with a care outcome (as the listener writes it)",
                        ReferralCallbacks.callback(CadCallbackType.COMPLETED, change(ReferralStatus.COMPLETED, null,
                                new CareOutcome(null, null, null, ArpCategory.C5, "Treated at home"),
                                offer(OfferStatus.COMPLETED, null)), Optional.empty(), null)),
                of("cancelled (as the listener writes it)",
                        ReferralCallbacks.callback(CadCallbackType.CANCELLED,
                                change(ReferralStatus.CANCELLED, null, null, offer(OfferStatus.CANCELLED, null)),
                                Optional.empty(), null)));
        return Stream.of(direct, everyReason, listener).flatMap(s -> s);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("callbacks")
    void everyCallbackBodyConformsToThePublishedSchema(String name, CadCallback callback) throws Exception {
        String body = body(callback);

        assertEquals(List.of(), CadCallbackSchema.problems(body), body);
    }

    @Test
    void everyCallbackTypeAndEveryReasonCodeIsCovered() {
        Set<CadCallbackType> types = new HashSet<>();
        Set<String> reasons = new HashSet<>();
        callbacks().forEach(arguments -> {
            CadCallback callback = (CadCallback) arguments.get()[1];
            types.add(callback.type());
            if (callback.reason() != null) {
                reasons.add(callback.reason().code());
            }
        });
        assertEquals(Set.of(CadCallbackType.values()), types);
        assertEquals(CadCallback.SENT_BACK_REASON_CODES, reasons);
    }

    // ------------------------------------------------------------------ and the schema bites when a body drifts

    static Stream<Arguments> drifts() {
        return Stream.of(
                drift("a field the schema does not name", body -> body.put("priority", "high")),
                drift("a field of the reason the schema does not name", body -> ((ObjectNode) body.get("reason"))
                        .put("severity", 1)),
                drift("a reason code outside the contract", body -> ((ObjectNode) body.get("reason"))
                        .put("code", "busy")),
                drift("an unknown event type", body -> body.put("eventType", "referral.exploded")),
                drift("no attempts", body -> body.remove("attempts")),
                drift("a send-back without a reason", body -> body.putNull("reason")),
                drift("reason text over 1000 characters", body -> ((ObjectNode) body.get("reason"))
                        .put("text", "x".repeat(CadCallback.MAX_TEXT + 1))),
                drift("an attempt time that is not RFC 3339", body -> ((ObjectNode) body.at("/attempts/0"))
                        .put("at", "yesterday")),
                drift("a timestamp as a number", body -> body.put("occurredAt", 1764000000)),
                drift("an outcome on an offer", body -> {
                    body.put("eventType", "referral.offered");
                    body.putNull("reason");
                    body.putObject("outcome").put("arpCategory", "C2");
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("drifts")
    void aBodyThatDriftsFromTheSchemaFails(String name, Consumer<ObjectNode> change) throws Exception {
        CadCallback sentBack = new CadCallback(CadCallbackType.SENT_BACK, ReferralStatus.SENT_BACK, null,
                new CadCallback.Reason("no-capacity", "No capacity available within timescale", WORDS),
                List.of(new CadCallback.Attempt("maidstone-ucr", "rejected", "no-capacity", AT, WORDS)));
        ObjectNode body = (ObjectNode) MAPPER.readTree(body(sentBack));
        assertEquals(List.of(), CadCallbackSchema.problems(body));

        change.accept(body);

        assertFalse(CadCallbackSchema.problems(body).isEmpty(), body.toString());
    }

    // ------------------------------------------------------------------ helpers

    private static String body(CadCallback callback) {
        Referral referral = CallbackReasonTextTest.referral(callback.status());
        return CadCallbackOutbox.body(MAPPER, FHIR_BASE, UUID.randomUUID(), AT.plusMillis(412), referral, callback);
    }

    private static ReferralChange change(ReferralStatus after, String reasonText, CareOutcome outcome,
            Offer... offers) {
        return new ReferralChange(CallbackReasonTextTest.referral(ReferralStatus.OFFERED),
                CallbackReasonTextTest.referral(after), List.of(offers), AT, reasonText, outcome);
    }

    private static Offer offer(OfferStatus status, OfferStatusReason reason) {
        return CallbackReasonTextTest.offer(status, reason);
    }

    private static Set<String> enumAt(String pointer) {
        JsonNode values = CadCallbackSchema.document().at(pointer);
        assertTrue(values.isArray(), pointer);
        Set<String> set = new HashSet<>();
        values.forEach(v -> set.add(v.asText()));
        assertEquals(values.size(), set.size(), "no value twice at " + pointer);
        return set;
    }

    private static Set<String> wire(Stream<String> values) {
        return values.collect(java.util.stream.Collectors.toSet());
    }

    private static Arguments of(String name, CadCallback callback) {
        return Arguments.of(name, callback);
    }

    private static Arguments drift(String name, Consumer<ObjectNode> change) {
        return Arguments.of(name, change);
    }
}

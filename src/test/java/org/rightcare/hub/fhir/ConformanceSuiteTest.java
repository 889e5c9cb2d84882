package org.rightcare.hub.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.audit.AuditEntry;
import org.rightcare.hub.audit.AuditRecord;
import org.rightcare.hub.bars.BarsRequestMessages;
import org.rightcare.hub.bars.inbound.ProcessMessageCapability;
import org.rightcare.hub.directory.Capacity;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.DeliveryEndpoint;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.fhirapi.CapabilityStatementFactory;
import org.rightcare.hub.fhirapi.FhirTerminology;
import org.rightcare.hub.fhirrest.FhirRestTransaction;
import org.rightcare.hub.intake.CadEventParser;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferStatus;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralStatus;
import org.rightcare.hub.routing.ReferralRoute;
import org.rightcare.hub.subscriptions.NotificationBundles;
import org.rightcare.hub.subscriptions.SubscriptionCapabilities;
import org.rightcare.hub.subscriptions.SubscriptionTopic;
import org.rightcare.hub.subscriptions.TopicSubscription;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.ConformanceValidator;
import org.rightcare.hub.testing.Slow;
import org.rightcare.hub.testing.TestServices;

import com.fasterxml.jackson.databind.node.ObjectNode;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import io.vertx.core.json.JsonObject;

/**
 * Every shape the hub emits, validated as NHS assurance and provider systems validate it: the HL7 validator engine
 * with UK Core 2.0.0, BaRS 1.35.0 and the project's own profiles and code systems, no terminology server
 * ({@link ConformanceValidator}). Each shape is rendered by the same beans the hub's endpoints and channels use, for a
 * known patient and for an unknown one (no NHS number, no birth date: a name and an estimated age): the FHIR reads (each
 * referral resource,
 * the redacted stack view, Task, the directory, AuditEvent, the hub's CodeSystems and ValueSets, the
 * CapabilityStatement), a searchset Bundle, every OperationOutcome code, the {@code fhir-rest} transaction, its
 * revocation and its decline update, the BaRS validation request and cancellation, and the subscription handshake,
 * heartbeat and notification.
 *
 * <p>
 * Any error fails the suite, except those the reviewed allow-list ({@code conformance/allow-list.txt}) names with
 * the reason each is a defect of the packages rather than of the hub; an allow-list entry that no longer matches
 * anything fails too, so the list cannot outlive the defect it excuses.
 */
@Slow
class ConformanceSuiteTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Instant OFFERED_AT = Instant.parse("2026-11-22T14:05:03Z");
    private static final URI FHIR_BASE = URI.create("https://hub.example.nhs.uk/fhir/");

    private static final CommunityService BARS_SERVICE = TestServices.withEndpoint(
            TestServices.service("ucr-maidstone", ServiceType.UCR, "RYE", "ME14", Duration.ofMinutes(15)),
            new DeliveryEndpoint(DeliveryEndpoint.Kind.BARS, URI.create("https://ucr.example.nhs.uk/fhir")));
    private static final CommunityService REST_SERVICE = TestServices.withEndpoint(
            TestServices.service("falls-weald", ServiceType.FALLS_RESPONSE, "XWC", "ME14", Duration.ofMinutes(10)),
            new DeliveryEndpoint(DeliveryEndpoint.Kind.FHIR_REST, URI.create("https://fhir.falls.example.nhs.uk/R4")));

    private static final ReferralRenderer RENDERER = new ReferralRenderer();
    private static final TaskRenderer TASKS = new TaskRenderer();
    private static final BarsRequestMessages BARS = new BarsRequestMessages(RENDERER, FHIR, TestServices.barsConfig());
    private static final FhirRestTransaction TRANSACTIONS = new FhirRestTransaction(RENDERER, TASKS, FHIR);

    /** Every error the validator reported, by shape, before the allow-list. */
    private static final Map<String, List<SingleValidationMessage>> ERRORS = new LinkedHashMap<>();
    private static List<AllowListEntry> allowList;

    record AllowListEntry(Pattern message, String reason) {
    }

    @BeforeAll
    static void validateEveryShape() {
        Assumptions.assumeTrue(ConformanceValidator.available(),
                "shared/reference/ (the BaRS and UK Core packages) is not beside the checkout: skipped");
        allowList = allowList();
        Map<String, IBaseResource> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, Referral> patient : Map.of("known patient", referral(false), "unknown patient",
                referral(true)).entrySet()) {
            addShapes(shapes, patient.getKey(), patient.getValue());
        }
        addHubShapes(shapes);
        for (Map.Entry<String, IBaseResource> shape : shapes.entrySet()) {
            // Serialised and parsed again first: what a receiver validates is the text, not the Java objects.
            String json = FHIR.newJsonParser().encodeResourceToString(shape.getValue());
            List<SingleValidationMessage> errors = ConformanceValidator.validator().validateWithResult(json)
                    .getMessages().stream()
                    .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal()).toList();
            ERRORS.put(shape.getKey(), errors);
        }
    }

    @Test
    void everyShapeTheHubEmitsValidatesWithNoErrorOfTheHubs() {
        List<String> hubErrors = new ArrayList<>();
        ERRORS.forEach((shape, errors) -> errors.stream().filter(e -> allowedBy(e).isEmpty())
                .forEach(e -> hubErrors.add(shape + " " + e.getLocationString() + ": " + e.getMessage())));
        assertEquals(List.of(), hubErrors, ERRORS.size() + " shapes validated");
        assertTrue(ERRORS.size() >= 40, "every shape is validated: " + ERRORS.keySet());
    }

    @Test
    void theAllowListIsReviewedAndCurrent() {
        Set<AllowListEntry> used = new LinkedHashSet<>();
        ERRORS.values().forEach(errors -> errors.forEach(e -> allowedBy(e).ifPresent(used::add)));
        for (AllowListEntry entry : allowList) {
            assertFalse(entry.reason().isBlank(), "every allow-list entry says why: " + entry.message());
            assertTrue(used.contains(entry), "the allow-list entry matches no error any more: remove it: "
                    + entry.message());
        }
    }

    private static Optional<AllowListEntry> allowedBy(SingleValidationMessage error) {
        return allowList.stream().filter(a -> a.message().matcher(error.getMessage()).find()).findFirst();
    }

    /** The shapes rendered from one referral: its reads, its offers' Tasks, and what the channels send. */
    private static void addShapes(Map<String, IBaseResource> shapes, String patient, Referral referral) {
        Offer barsOffer = offer(referral, BARS_SERVICE, OfferStatus.REQUESTED, null);
        Offer restOffer = offer(referral, REST_SERVICE, OfferStatus.REQUESTED, null);
        Offer revoked = closed(barsOffer, OfferStatus.CANCELLED, OfferStatusReason.CATEGORY_UPGRADED);
        Offer timedOut = closed(restOffer, OfferStatus.FAILED, OfferStatusReason.TIMED_OUT);
        Offer declined = closed(restOffer, OfferStatus.REJECTED,
                new OfferStatusReason(OfferStatusReason.DOS_SYSTEM, "22", "Both crews committed until 19:30"));

        List<Resource> full = RENDERER.render(referral, new ReferralRoute(Optional.empty(), List.of(declined)));
        for (Resource resource : full) {
            shapes.put(patient + " read " + resource.fhirType() + "/" + resource.getIdElement().getIdPart(), resource);
        }
        for (Resource resource : StackViewRedaction.redact(RENDERER.render(referral))) {
            shapes.put(patient + " stack view " + resource.fhirType() + "/" + resource.getIdElement().getIdPart(),
                    resource);
        }
        for (Offer offer : List.of(barsOffer, revoked, timedOut, declined)) {
            shapes.put(patient + " read Task " + offer.status().code(), TASKS.render(offer, BARS_SERVICE));
        }
        Bundle searchset = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        full.forEach(r -> searchset.addEntry().setFullUrl(FHIR_BASE + r.fhirType() + "/" + r.getIdElement()
                .getIdPart()).setResource(r.copy()).getSearch().setMode(Bundle.SearchEntryMode.MATCH));
        searchset.setTotal(1);
        shapes.put(patient + " searchset", searchset);

        shapes.put(patient + " BaRS validation request", BARS.validationRequest(referral, barsOffer, BARS_SERVICE));
        shapes.put(patient + " BaRS cancellation", BARS.cancellation(referral, revoked, BARS_SERVICE));
        shapes.put(patient + " fhir-rest transaction", TRANSACTIONS.render(referral, restOffer, REST_SERVICE));
        shapes.put(patient + " fhir-rest revocation", TRANSACTIONS.renderRevocation(referral, timedOut, REST_SERVICE,
                UUID.randomUUID()));
        shapes.put(patient + " fhir-rest decline update", TRANSACTIONS.renderRevocation(referral, declined,
                REST_SERVICE, UUID.randomUUID()));
    }

    /** The shapes that are the same whoever the patient: directory, audit, terminology, capabilities, errors, subscriptions. */
    private static void addHubShapes(Map<String, IBaseResource> shapes) {
        DirectoryRenderer directory = new DirectoryRenderer();
        for (CommunityService service : List.of(BARS_SERVICE, REST_SERVICE)) {
            shapes.put("read HealthcareService/" + service.id(), directory.healthcareService(service,
                    new Capacity(Capacity.Rag.AMBER, 2, OFFERED_AT)));
            directory.endpoint(service).ifPresent(e -> shapes.put("read Endpoint/" + service.id(), e));
            shapes.put("read Organization/" + service.odsCode(), directory.organization(service.odsCode(),
                    service.organisationName()));
        }
        shapes.put("read AuditEvent", new AuditEventRenderer().render(new AuditEntry(UUID.randomUUID(), OFFERED_AT,
                new AuditRecord("provider-system-XWC", "XWC", "capacity.update", "directory-service", "falls-weald",
                        AuditRecord.SUCCESS, new JsonObject().put("rag", "AMBER")))));
        HubTerminology.codeSystems().forEach(c -> shapes.put("read CodeSystem/" + c.getIdElement().getIdPart(), c));
        HubTerminology.valueSets().forEach(v -> shapes.put("read ValueSet/" + v.getIdElement().getIdPart(), v));
        shapes.put("metadata", new CapabilityStatementFactory("1.0.0", List.of(new SubscriptionCapabilities(),
                new ProcessMessageCapability(), new FhirTerminology(null, null))).build(FHIR_BASE));
        for (String code : HubTerminology.ERROR_CODES.keySet()) {
            shapes.put("OperationOutcome " + code, OperationOutcomes.error(IssueType.INVALID, code, "diagnostics"));
        }
        NotificationBundles notifications = new NotificationBundles(FHIR);
        TopicSubscription subscription = new TopicSubscription(UUID.randomUUID(), "XWC", SubscriptionTopic.OFFER,
                null, URI.create("https://falls.example.nhs.uk/notifications"), Duration.ofMinutes(1), FHIR_BASE,
                TopicSubscription.Status.ACTIVE, 3, OFFERED_AT);
        shapes.put("subscription handshake", parse(notifications.withoutEvent(subscription,
                NotificationBundles.Type.HANDSHAKE, OFFERED_AT)));
        shapes.put("subscription heartbeat", parse(notifications.withoutEvent(subscription,
                NotificationBundles.Type.HEARTBEAT, OFFERED_AT)));
        shapes.put("subscription notification", parse(notifications.event(subscription, 4,
                "Task/" + UUID.randomUUID(), OFFERED_AT)));
    }

    private static IBaseResource parse(String json) {
        return FHIR.newJsonParser().parseResource(json);
    }

    private static Offer offer(Referral referral, CommunityService service, OfferStatus status,
            OfferStatusReason reason) {
        UUID id = UUID.nameUUIDFromBytes((referral.id() + service.id()).getBytes(StandardCharsets.UTF_8));
        return new Offer(id, referral.id(), 1, service.id(), service.odsCode(), status, reason, OFFERED_AT,
                OFFERED_AT.plus(service.acceptanceWindow()), null, OFFERED_AT, 1);
    }

    private static Offer closed(Offer offer, OfferStatus status, OfferStatusReason reason) {
        Instant at = OFFERED_AT.plusSeconds(90);
        return new Offer(offer.id(), offer.referralId(), offer.sequence(), offer.serviceId(), offer.odsCode(), status,
                reason, offer.offeredAt(), offer.deadlineAt(), at, at, 2);
    }

    /** The referral of the project's CAD fixture, or of the same incident with a patient known only by name and age. */
    private static Referral referral(boolean unknownPatient) {
        ObjectNode event = CadWebhook.fixture("incident-created.json");
        // The callback URL is checked against the CAD system registry, which the parser has none of here.
        event.remove("callbackUrl");
        if (unknownPatient) {
            ObjectNode patient = (ObjectNode) event.get("incident").get("patient");
            patient.remove(List.of("nhsNumber", "birthDate", "phone", "address"));
            patient.put("estimatedAge", 85);
        }
        try {
            CadEventParser.Result parsed = new CadEventParser(null).parse(event.toString()
                    .getBytes(StandardCharsets.UTF_8));
            assertTrue(parsed.isValid(), parsed.errors().toString());
            Incident incident = parsed.event().incident();
            Instant received = incident.receivedAt();
            UUID id = UUID.nameUUIDFromBytes(("conformance " + unknownPatient).getBytes(StandardCharsets.UTF_8));
            return new Referral(id, "TEST-CAD", incident.incidentId(), ReferralStatus.OFFERED, incident,
                    received.plus(Duration.ofHours(2)), received.plusSeconds(5), OFFERED_AT, 2,
                    received.plus(Duration.ofHours(1)), null, null, null);
        } catch (CadEventParser.MalformedJsonException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The reviewed allow-list: blocks of {@code error: <regex>} and {@code reason: <why it is the packages' defect>},
     * a blank line between them, {@code #} comments.
     */
    private static List<AllowListEntry> allowList() {
        try {
            List<AllowListEntry> entries = new ArrayList<>();
            String pattern = null;
            for (String line : Files.readAllLines(Path.of("src/test/resources/conformance/allow-list.txt"))) {
                if (line.startsWith("error:")) {
                    pattern = line.substring("error:".length()).trim();
                } else if (line.startsWith("reason:")) {
                    entries.add(new AllowListEntry(Pattern.compile(pattern), line.substring("reason:".length()).trim()));
                    pattern = null;
                }
            }
            return entries.stream().collect(Collectors.toUnmodifiableList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

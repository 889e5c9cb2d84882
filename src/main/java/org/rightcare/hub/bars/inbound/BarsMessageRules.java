package org.rightcare.hub.bars.inbound;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.rightcare.hub.bars.BarsMessaging;
import org.rightcare.hub.fhir.FhirFormat;
import org.rightcare.hub.fhir.HubIdentifiers;
import org.rightcare.hub.fhir.ReferralResourceIds;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.support.CorrelationId;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import io.vertx.core.json.JsonObject;

/**
 * The BaRS message rules a receiver applies before acting on a message (Core error handling, "Bundle processing"; the
 * APP4 payload pages and MessageDefinitions), for the messages the hub receives: a provider's interim and final
 * responses to the hub's validation request. Headers first (X-Request-Id, X-Correlation-Id, NHSD-Target-Identifier),
 * then the Bundle (a message, with an id and a version), its MessageHeader (first, a known definition with its event
 * and reason, the response it answers, source and destination endpoints, a focus in the Bundle), the resources the
 * definition allows in the numbers it allows, references that resolve within the Bundle, and finally the workflow
 * variables that say what the response means. Every refusal is a {@link BarsError}; nothing is looked up here.
 */
@ApplicationScoped
public class BarsMessageRules {

    /** BaRS definitions the hub knows but does not take: it is the requester of validations, never a responder. */
    static final Set<String> NOT_TAKEN = Set.of(
            BarsMessaging.VALIDATION_REQUEST_DEFINITION,
            BarsMessaging.MESSAGE_DEFINITION_BASE + "servicerequest-request-referral",
            BarsMessaging.CANCELLATION_DEFINITION,
            BarsMessaging.MESSAGE_DEFINITION_BASE + "servicerequest-response-referral",
            BarsMessaging.MESSAGE_DEFINITION_BASE + "servicerequest-response-referral-short",
            BarsMessaging.MESSAGE_DEFINITION_BASE + "booking-request",
            BarsMessaging.MESSAGE_DEFINITION_BASE + "booking-request-cancelled");

    /** How many of each resource type a message may carry, minimum and maximum (-1: any), as each definition says. */
    static final Map<String, Map<String, int[]>> RESOURCES = Map.of(
            BarsMessaging.INTERIM_RESPONSE_DEFINITION, Map.of(
                    "MessageHeader", new int[] { 1, 1 }, "ServiceRequest", new int[] { 1, 1 },
                    "Patient", new int[] { 1, 1 }, "Encounter", new int[] { 2, 2 },
                    "Organization", new int[] { 1, -1 }, "Practitioner", new int[] { 1, -1 },
                    "PractitionerRole", new int[] { 1, -1 }, "HealthcareService", new int[] { 0, -1 }),
            BarsMessaging.FULL_RESPONSE_DEFINITION, Map.ofEntries(
                    Map.entry("MessageHeader", new int[] { 1, 1 }), Map.entry("ServiceRequest", new int[] { 1, 1 }),
                    Map.entry("Patient", new int[] { 1, 1 }), Map.entry("Encounter", new int[] { 2, 3 }),
                    Map.entry("CarePlan", new int[] { 1, 1 }), Map.entry("Location", new int[] { 1, 1 }),
                    Map.entry("Organization", new int[] { 2, -1 }), Map.entry("Practitioner", new int[] { 1, -1 }),
                    Map.entry("PractitionerRole", new int[] { 1, -1 }), Map.entry("Observation", new int[] { 0, -1 }),
                    Map.entry("Flag", new int[] { 0, -1 }), Map.entry("Consent", new int[] { 1, -1 }),
                    Map.entry("MedicationStatement", new int[] { 0, -1 }),
                    Map.entry("AllergyIntolerance", new int[] { 0, -1 }),
                    Map.entry("HealthcareService", new int[] { 1, 1 })));

    /** The BaRS message versions (Bundle.meta.versionId) the hub reads: those of major version 1. */
    private static final String SUPPORTED_MAJOR_VERSION = "1.";

    private final FhirContext fhir;

    public BarsMessageRules(FhirContext fhir) {
        this.fhir = fhir;
    }

    /** The BaRS transaction integrity and routing headers, as received (null when absent). */
    public record TransportHeaders(String requestId, String correlationId, String targetIdentifier) {
    }

    /** A message that passed every rule, or the first rule it broke. */
    public sealed interface Checked {
    }

    public record Valid(ValidationResponse response) implements Checked {
    }

    public record Refused(BarsError error) implements Checked {
    }

    /** Thrown by a rule to stop checking: the message is refused with this error. */
    private static final class Broken extends RuntimeException {
        private final transient BarsError error;

        Broken(BarsError error) {
            super(error.diagnostics(), null, false, false);
            this.error = error;
        }
    }

    public Checked check(TransportHeaders headers, String contentType, String body) {
        try {
            checkHeaders(headers);
            return new Valid(checkMessage(parse(contentType, body), headers));
        } catch (Broken broken) {
            return new Refused(broken.error);
        }
    }

    private static void checkHeaders(TransportHeaders headers) {
        requireUuidHeader(BarsMessaging.REQUEST_ID_HEADER, headers.requestId());
        requireUuidHeader(CorrelationId.HEADER, headers.correlationId());
        targetIdentifierValue(headers.targetIdentifier());
    }

    private static void requireUuidHeader(String name, String value) {
        if (value == null || value.isBlank()) {
            throw bad(IssueType.REQUIRED, "The " + name + " header is required");
        }
        if (uuid(value.trim()).isEmpty()) {
            throw bad(IssueType.INVALID, "The " + name + " header must be a UUID");
        }
    }

    /** NHSD-Target-Identifier is Base64 of a JSON object {@code {"system": ..., "value": ...}}; its value. */
    static String targetIdentifierValue(String header) {
        if (header == null || header.isBlank()) {
            throw bad(IssueType.REQUIRED, "The NHSD-Target-Identifier header is required");
        }
        try {
            JsonObject target = new JsonObject(new String(Base64.getDecoder().decode(header.trim()),
                    StandardCharsets.UTF_8));
            String value = target.getString("value");
            if (value == null || value.isBlank() || target.getString("system") == null) {
                throw bad(IssueType.INVALID, "NHSD-Target-Identifier must name a system and a value");
            }
            return value;
        } catch (IllegalArgumentException | io.vertx.core.json.DecodeException | ClassCastException e) {
            throw bad(IssueType.INVALID, "NHSD-Target-Identifier must be Base64-encoded JSON with system and value");
        }
    }

    private Bundle parse(String contentType, String body) {
        if (body == null || body.isBlank()) {
            throw bad(IssueType.REQUIRED, "The body must be a BaRS message Bundle");
        }
        IBaseResource parsed;
        try {
            parsed = FhirFormat.ofBody(contentType).parser(fhir).parseResource(body);
        } catch (DataFormatException | ClassCastException e) {
            throw bad(IssueType.STRUCTURE, "The body is not a FHIR resource: " + e.getMessage());
        }
        if (!(parsed instanceof Bundle bundle)) {
            throw bad(IssueType.INVALID, "The body is a " + parsed.fhirType() + "; $process-message takes a Bundle");
        }
        return bundle;
    }

    /**
     * The Core rules any BaRS receiver applies to any message before it looks at what the message asks (Core error
     * handling, "Bundle processing"): the transport headers, a message Bundle with an id and a supported version
     * ({@code Bundle.meta.versionId}, else 400 {@code REC_BAD_REQUEST}), its MessageHeader first with a BaRS
     * definition, event and reason, a focus and every message-local reference resolved within the Bundle, and a
     * destination that is the one NHSD-Target-Identifier routes to. The hub's own messages are held to these rules
     * (a strict receiver), so a provider that enforces them never refuses what the hub sends; empty when it passes.
     */
    public Optional<BarsError> checkCoreRules(TransportHeaders headers, String contentType, String body) {
        try {
            checkHeaders(headers);
            Bundle bundle = parse(contentType, body);
            MessageHeader header = checkEnvelope(bundle);
            String definition = header.getDefinition();
            if (definition == null || !(RESOURCES.containsKey(definition) || NOT_TAKEN.contains(definition))) {
                throw bad(IssueType.VALUE, "MessageHeader.definition " + definition + " is not a BaRS MessageDefinition");
            }
            boolean knownEvent = header.getEvent() instanceof Coding event
                    && BarsMessaging.MESSAGE_EVENTS.equals(event.getSystem())
                    && Set.of(BarsMessaging.EVENT_SERVICE_REQUEST_REQUEST, BarsMessaging.EVENT_SERVICE_REQUEST_RESPONSE)
                            .contains(event.getCode());
            boolean knownReason = header.getReason().getCoding().stream()
                    .anyMatch(c -> BarsMessaging.MESSAGE_REASONS.equals(c.getSystem())
                            && Set.of(BarsMessaging.REASON_NEW, BarsMessaging.REASON_UPDATE).contains(c.getCode()));
            if (!knownEvent || !knownReason) {
                throw bad(IssueType.INVARIANT, "MessageHeader.eventCoding and reason must be BaRS codes ("
                        + BarsMessaging.MESSAGE_EVENTS + ", " + BarsMessaging.MESSAGE_REASONS + ")");
            }
            Map<String, Resource> byFullUrl = checkReferences(bundle);
            if (!header.hasFocus() || !byFullUrl.containsKey(header.getFocusFirstRep().getReference())) {
                throw bad(IssueType.INVALID, "MessageHeader.focus must be an entry of the Bundle");
            }
            String destination = header.getDestinationFirstRep().getEndpoint();
            String target = targetIdentifierValue(headers.targetIdentifier());
            if (destination == null || !destination.endsWith("|" + target)) {
                throw bad(IssueType.VALUE, "NHSD-Target-Identifier does not name the message's destination "
                        + destination);
            }
            return Optional.empty();
        } catch (Broken broken) {
            return Optional.of(broken.error);
        }
    }

    /** A message Bundle with an id and a version the hub reads, its MessageHeader first; that MessageHeader. */
    private static MessageHeader checkEnvelope(Bundle bundle) {
        if (bundle.getType() != Bundle.BundleType.MESSAGE) {
            throw bad(IssueType.INVALID, "Bundle.type must be message");
        }
        String bundleId = bundle.getIdElement().getIdPart();
        if (bundleId == null || bundleId.isBlank()) {
            throw bad(IssueType.REQUIRED, "Bundle.id is required: it identifies the message");
        }
        // HAPI's parsers keep meta.versionId on the id as well; either holds the version.
        String version = bundle.getMeta().hasVersionId() ? bundle.getMeta().getVersionId()
                : bundle.getIdElement().getVersionIdPart();
        if (version == null || version.isBlank()) {
            throw bad(IssueType.INVARIANT, "Bundle.meta.versionId is required: the BaRS version of the message");
        }
        if (!version.startsWith(SUPPORTED_MAJOR_VERSION)) {
            throw new Broken(new BarsError(BarsError.Code.REC_UNPROCESSABLE_ENTITY, IssueType.NOTSUPPORTED,
                    "BaRS message version " + version + " is not supported; the hub reads version 1.x"));
        }
        if (bundle.getEntry().isEmpty() || !(bundle.getEntryFirstRep().getResource() instanceof MessageHeader header)) {
            throw bad(IssueType.INVALID, "The first entry of a message must be its MessageHeader");
        }
        return header;
    }

    private ValidationResponse checkMessage(Bundle bundle, TransportHeaders headers) {
        MessageHeader header = checkEnvelope(bundle);
        String definition = checkDefinition(header);
        checkResourceCounts(bundle, definition);
        Map<String, Resource> byFullUrl = checkReferences(bundle);

        if (!header.hasResponse() || !header.getResponse().hasIdentifier()) {
            throw bad(IssueType.REQUIRED, "MessageHeader.response.identifier is required: the id of the hub's request"
                    + " message this responds to");
        }
        String respondingTo = header.getResponse().getIdentifier();
        // BaRS: a response to no request the receiver holds ("none or invalid response ID") is not found.
        UUID requestMessageId = uuid(withoutUrnUuid(respondingTo.trim())).orElseThrow(() -> new Broken(
                new BarsError(BarsError.Code.REC_NOT_FOUND, IssueType.NOTFOUND, "MessageHeader.response.identifier "
                        + respondingTo + " is not the id of a validation request the hub sent: echo its Bundle.id")));
        if (header.getResponse().getCode() != MessageHeader.ResponseType.OK) {
            throw bad(IssueType.INVARIANT, "MessageHeader.response.code must be ok");
        }
        String sourceDosId = dosServiceId("MessageHeader.source.endpoint", header.getSource().getEndpoint());
        if (!header.hasDestination() || !header.getDestinationFirstRep().hasEndpoint()) {
            throw bad(IssueType.REQUIRED, "MessageHeader.destination.endpoint is required");
        }
        String destination = dosServiceId("MessageHeader.destination.endpoint",
                header.getDestinationFirstRep().getEndpoint());
        if (!destination.equals(targetIdentifierValue(headers.targetIdentifier()))) {
            throw bad(IssueType.VALUE, "NHSD-Target-Identifier does not name the message's destination "
                    + header.getDestinationFirstRep().getEndpoint());
        }

        ServiceRequest request = only(bundle, ServiceRequest.class);
        boolean validation = request.getCategory().stream().flatMap(c -> c.getCoding().stream())
                .anyMatch(c -> BarsMessaging.MESSAGE_CATEGORY.equals(c.getSystem()) && "validation".equals(c.getCode()));
        if (!validation) {
            throw bad(IssueType.INVARIANT, "ServiceRequest.category must include validation ("
                    + BarsMessaging.MESSAGE_CATEGORY + ")");
        }
        UUID referralId = referralId(request).orElseThrow(() -> new Broken(new BarsError(
                BarsError.Code.REC_NOT_FOUND, IssueType.NOTFOUND, "The ServiceRequest names no referral of the hub:"
                        + " echo the identifier " + HubIdentifiers.REFERRAL_ID + " (or the id) the hub sent")));

        Encounter encounter = responderEncounter(header, request, byFullUrl, bundle);
        String encounterStatus = encounter.hasStatus() ? encounter.getStatus().toCode() : "none";
        String requestStatus = request.hasStatus() ? request.getStatus().toCode() : "none";
        if (BarsMessaging.INTERIM_RESPONSE_DEFINITION.equals(definition)) {
            if ("in-progress".equals(encounterStatus) && "active".equals(requestStatus)) {
                return response(bundle, definition, ValidationResponse.Kind.IN_PROGRESS, referralId,
                        requestMessageId, sourceDosId, null, null, null);
            }
            if ("cancelled".equals(encounterStatus) || "revoked".equals(requestStatus)) {
                OfferStatusReason reason = rejectionReason(encounter, request);
                return response(bundle, definition, ValidationResponse.Kind.REJECTED, referralId,
                        requestMessageId, sourceDosId, reason, null, null);
            }
            throw bad(IssueType.INVARIANT, "An interim validation response has the responder's Encounter in-progress"
                    + " (accepted) or cancelled with a rejection reason; this one is " + encounterStatus
                    + " with the ServiceRequest " + requestStatus);
        }
        if (!Set.of("finished", "triaged").contains(encounterStatus)
                || !Set.of("active", "completed").contains(requestStatus)) {
            throw bad(IssueType.INVARIANT, "A validation response has the responder's Encounter finished or triaged"
                    + " and the ServiceRequest active or completed; this one is " + encounterStatus + " with "
                    + requestStatus);
        }
        BundleEntryComponent carePlan = bundle.getEntry().stream()
                .filter(e -> e.getResource() instanceof CarePlan).findFirst().orElseThrow();
        return response(bundle, definition, ValidationResponse.Kind.FINAL, referralId, requestMessageId, sourceDosId,
                null, outcome((CarePlan) carePlan.getResource()), carePlan.getFullUrl());
    }

    private static String checkDefinition(MessageHeader header) {
        String definition = header.getDefinition();
        if (definition == null || definition.isBlank()) {
            throw bad(IssueType.REQUIRED, "MessageHeader.definition is required: the MessageDefinition the message"
                    + " follows");
        }
        if (NOT_TAKEN.contains(definition)) {
            throw new Broken(new BarsError(BarsError.Code.REC_UNPROCESSABLE_ENTITY, IssueType.NOTSUPPORTED,
                    "The hub does not receive " + definition + "; it takes the validation responses "
                            + BarsMessaging.INTERIM_RESPONSE_DEFINITION + " and " + BarsMessaging.FULL_RESPONSE_DEFINITION));
        }
        if (!RESOURCES.containsKey(definition)) {
            throw bad(IssueType.VALUE, "MessageHeader.definition " + definition + " is not a BaRS MessageDefinition");
        }
        if (!(header.getEvent() instanceof Coding event) || !BarsMessaging.MESSAGE_EVENTS.equals(event.getSystem())
                || !BarsMessaging.EVENT_SERVICE_REQUEST_RESPONSE.equals(event.getCode())) {
            throw bad(IssueType.INVARIANT,
                    "MessageHeader.eventCoding must be " + BarsMessaging.MESSAGE_EVENTS + "|"
                            + BarsMessaging.EVENT_SERVICE_REQUEST_RESPONSE
                            + " for " + definition);
        }
        boolean knownReason = header.getReason().getCoding().stream()
                .anyMatch(c -> BarsMessaging.MESSAGE_REASONS.equals(c.getSystem())
                        && Set.of("new", "update").contains(c.getCode()));
        if (!knownReason) {
            throw bad(IssueType.INVARIANT,
                    "MessageHeader.reason must be new or update (" + BarsMessaging.MESSAGE_REASONS + ")");
        }
        return definition;
    }

    private static void checkResourceCounts(Bundle bundle, String definition) {
        Map<String, Long> counts = bundle.getEntry().stream().filter(BundleEntryComponent::hasResource)
                .collect(Collectors.groupingBy(e -> e.getResource().fhirType(), Collectors.counting()));
        Map<String, int[]> allowed = RESOURCES.get(definition);
        for (String type : counts.keySet()) {
            if (!allowed.containsKey(type)) {
                throw bad(IssueType.INVARIANT, definition + " carries no " + type);
            }
        }
        allowed.forEach((type, range) -> {
            long count = counts.getOrDefault(type, 0L);
            if (count < range[0] || range[1] >= 0 && count > range[1]) {
                throw bad(IssueType.INVARIANT, definition + " carries " + (range[1] < 0 ? "at least " + range[0]
                        : range[0] == range[1] ? String.valueOf(range[0]) : range[0] + " to " + range[1]) + " "
                        + type + "; this message has " + count);
            }
        });
    }

    /**
     * Every entry has a full URL of its own, and every reference to a message-local resource ({@code urn:uuid:} or
     * {@code urn:oid:}) is to one of them. Other references (the journey's EpisodeOfCare on the sender's server) are
     * not the message's to resolve.
     */
    private Map<String, Resource> checkReferences(Bundle bundle) {
        Map<String, Resource> byFullUrl = new HashMap<>();
        for (BundleEntryComponent entry : bundle.getEntry()) {
            if (!entry.hasFullUrl() || !entry.hasResource()) {
                throw bad(IssueType.REQUIRED, "Every entry needs a fullUrl and a resource");
            }
            if (byFullUrl.put(entry.getFullUrl(), entry.getResource()) != null) {
                throw bad(IssueType.INVALID, "Two entries have the fullUrl " + entry.getFullUrl());
            }
        }
        Set<String> unresolved = new HashSet<>();
        for (BundleEntryComponent entry : bundle.getEntry()) {
            for (Reference reference : fhir.newTerser().getAllPopulatedChildElementsOfType(entry.getResource(),
                    Reference.class)) {
                String target = reference.getReference();
                if (target != null && (target.startsWith("urn:uuid:") || target.startsWith("urn:oid:"))
                        && !byFullUrl.containsKey(target)) {
                    unresolved.add(target);
                }
            }
        }
        if (!unresolved.isEmpty()) {
            throw bad(IssueType.INVALID, "References do not resolve within the Bundle: "
                    + String.join(", ", unresolved.stream().sorted().toList()));
        }
        return byFullUrl;
    }

    /** {@code system|value} with the DoS service id system; the value. */
    private static String dosServiceId(String element, String endpoint) {
        if (endpoint == null || endpoint.isBlank()) {
            throw bad(IssueType.REQUIRED, element + " is required: the DoS service id, as system|value");
        }
        int bar = endpoint.indexOf('|');
        String system = bar < 0 ? "" : endpoint.substring(0, bar);
        String value = bar < 0 ? "" : endpoint.substring(bar + 1);
        // The guide writes .../id/... and .../Id/...; a plain-http system is a known defect of BaRS's own examples.
        if (!system.toLowerCase(Locale.ROOT).equals(HubIdentifiers.DOS_SERVICE_ID.toLowerCase(Locale.ROOT))
                || value.isBlank()) {
            throw bad(IssueType.VALUE, element + " must be " + HubIdentifiers.DOS_SERVICE_ID + "|<service id>, not "
                    + endpoint);
        }
        return value;
    }

    private static <T extends Resource> T only(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream().map(BundleEntryComponent::getResource).filter(type::isInstance)
                .map(type::cast).findFirst().orElseThrow();
    }

    /** The hub's referral id, from the identifier the hub gave its ServiceRequest, or the id it rendered it with. */
    private static Optional<UUID> referralId(ServiceRequest request) {
        Optional<UUID> byIdentifier = request.getIdentifier().stream()
                .filter(i -> HubIdentifiers.REFERRAL_ID.equals(i.getSystem())).map(Identifier::getValue)
                .map(BarsMessageRules::uuid).flatMap(Optional::stream).findFirst();
        if (byIdentifier.isPresent()) {
            return byIdentifier;
        }
        // HAPI gives an entry's resource the entry's fullUrl as its id, urn:uuid: and all.
        String id = request.getIdElement().getIdPart();
        return ReferralResourceIds.referralIdOf(id == null ? null : withoutUrnUuid(id));
    }

    /** A UUID may come bare or as a {@code urn:uuid:} URI. */
    private static String withoutUrnUuid(String id) {
        return id.startsWith("urn:uuid:") ? id.substring("urn:uuid:".length()) : id;
    }

    /**
     * The responder's own Encounter, whose status carries the answer: the message's focus, as BaRS's examples send
     * it, or, when the focus is the ServiceRequest, the Encounter that is not the ServiceRequest's (the requester's).
     */
    private static Encounter responderEncounter(MessageHeader header, ServiceRequest request,
            Map<String, Resource> byFullUrl, Bundle bundle) {
        if (!header.hasFocus()) {
            throw bad(IssueType.REQUIRED, "MessageHeader.focus is required");
        }
        Resource focus = byFullUrl.get(header.getFocusFirstRep().getReference());
        if (focus == null) {
            throw bad(IssueType.INVALID, "MessageHeader.focus " + header.getFocusFirstRep().getReference()
                    + " is not an entry of the Bundle");
        }
        if (focus instanceof Encounter encounter) {
            return encounter;
        }
        if (focus instanceof ServiceRequest) {
            Resource requesters = byFullUrl.get(request.getEncounter().getReference());
            List<Encounter> others = bundle.getEntry().stream().map(BundleEntryComponent::getResource)
                    .filter(r -> r instanceof Encounter && r != requesters).map(Encounter.class::cast).toList();
            if (others.size() == 1) {
                return others.get(0);
            }
        }
        throw bad(IssueType.INVARIANT, "The responder's Encounter cannot be found: focus it in MessageHeader.focus");
    }

    private static OfferStatusReason rejectionReason(Encounter encounter, ServiceRequest request) {
        List<CodeableConcept> reasons = new java.util.ArrayList<>(encounter.getReasonCode());
        reasons.addAll(request.getReasonCode());
        for (CodeableConcept concept : reasons) {
            for (Coding coding : concept.getCoding()) {
                OfferStatusReason reason = new OfferStatusReason(coding.getSystem(), coding.getCode(),
                        concept.getText());
                if (reason.isProviderRejectionCode()) {
                    return reason;
                }
            }
        }
        throw bad(IssueType.CODEINVALID, "A rejection needs Encounter.reasonCode coded in "
                + OfferStatusReason.BARS_SYSTEM + " or " + OfferStatusReason.DOS_SYSTEM);
    }

    /** The clinical outcome as the CarePlan's activities state it: texts, then codes. */
    private static String outcome(CarePlan carePlan) {
        String outcome = carePlan.getActivity().stream().flatMap(a -> a.getOutcomeCodeableConcept().stream())
                .map(concept -> concept.hasText() ? concept.getText()
                        : concept.getCoding().stream()
                                .map(c -> c.getCode() + (c.hasDisplay() ? " " + c.getDisplay() : ""))
                                .collect(Collectors.joining(", ")))
                .filter(text -> !text.isBlank())
                .collect(Collectors.joining("; "));
        return outcome.isBlank() ? "CarePlan " + (carePlan.hasStatus() ? carePlan.getStatus().toCode() : "") : outcome;
    }

    private ValidationResponse response(Bundle bundle, String definition, ValidationResponse.Kind kind,
            UUID referralId, UUID respondingTo, String sourceDosId, OfferStatusReason rejection, String outcome,
            String carePlan) {
        return new ValidationResponse(bundle.getIdElement().getIdPart(), definition, kind, referralId,
                respondingTo, sourceDosId, rejection, outcome, carePlan,
                fingerprint(bundle), bundle);
    }

    /** SHA-256 of the message as JSON: the same message sent as XML or JSON, in any layout, has one fingerprint. */
    private String fingerprint(Bundle bundle) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(fhir.newJsonParser().encodeResourceToString(bundle).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static Broken bad(IssueType type, String diagnostics) {
        return new Broken(BarsError.badRequest(type, diagnostics));
    }

    private static Optional<UUID> uuid(String value) {
        try {
            return Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

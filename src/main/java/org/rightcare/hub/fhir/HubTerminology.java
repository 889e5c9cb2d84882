package org.rightcare.hub.fhir;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.CodeSystemContentMode;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.ValueSet;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.offers.OfferStatusReason;

/**
 * The code systems the hub mints, each with a value set of all its codes, as FHIR CodeSystem and ValueSet resources
 * under their canonical URLs, so a validator or a provider can resolve every code the hub writes. The FHIR API serves
 * them at {@code /fhir/CodeSystem} and {@code /fhir/ValueSet} (read by id, search by url), and {@code fhir-profiles/}
 * holds the same resources as files (a test keeps the two equal). The tag system of the copies written to providers'
 * servers ({@link HubIdentifiers#HUB_RESOURCE_TAG}) is not among them: its codes are resource ids, which no
 * CodeSystem can list, and a validator reads a tag of an unknown system as what it is, a label. Codes come from where the hub
 * defines them
 * ({@link ServiceType}, {@link OfferStatusReason}), so a new code is published with the code that writes it.
 */
public final class HubTerminology {

    public static final String CODE_SYSTEM_BASE = "https://fhir.rightcare-hub.org/CodeSystem/";
    public static final String VALUE_SET_BASE = "https://fhir.rightcare-hub.org/ValueSet/";

    /** The version of the hub's terminology: it changes when a code is added or its meaning changes. */
    static final String VERSION = "1.0.0";

    private static final Date PUBLISHED = Date.from(Instant.parse("2026-12-06T00:00:00Z"));

    /**
     * The hub's error codes in an OperationOutcome's {@code details.coding} ({@link OperationOutcomes#CODE_SYSTEM}):
     * a provider system reacts to the code, not the text. Every code a FHIR endpoint answers with is here (a test
     * scans the sources for them).
     */
    static final Map<String, String> ERROR_CODES = ordered(
            "CASE_NOT_CLAIMABLE", "The case is no longer on the clinical stack, or not for this service",
            "DATABASE_UNAVAILABLE", "The hub cannot reach its database now; try again",
            "FOCUS_REQUIRED", "A claim must name the ServiceRequest it claims in Task.focus",
            "FORBIDDEN", "The token does not grant this interaction",
            "ID_MISMATCH", "The resource id in the body is not the one in the URL",
            "ILLEGAL_TRANSITION", "The offer cannot move from its status to the one asked for",
            "INTERNAL_ERROR", "The hub failed to answer; nothing was changed",
            "INVALID_COUNT", "_count must be a whole number from 1 to 100",
            "INVALID_ENDPOINT", "The subscription endpoint is not an https URL the hub may call",
            "INVALID_FILTER", "The subscription filter is not one the topic allows",
            "INVALID_HEARTBEAT", "The heartbeat period is out of the allowed range",
            "INVALID_IF_MATCH", "If-Match is not a weak ETag of a version",
            "INVALID_PAGE_TOKEN", "The _page token is not one the hub issued, or it has expired",
            "INVALID_PATCH", "The JSON Patch is not a valid patch document",
            "INVALID_PLACES", "Places must be a whole number of zero or more",
            "INVALID_RAG", "The RAG rating must be red, amber or green",
            "INVALID_RESOURCE", "The body is not a valid FHIR resource of the expected type",
            "INVALID_SEARCH_VALUE", "A search parameter's value cannot be read",
            "INVALID_STATUS", "The status is not one this resource may have",
            "INVALID_STATUS_REASON",
            "A rejection needs a statusReason coded in rejected-reasons-bars or dos-rejected-reasons-bars",
            "NOT_FOUND", "Nothing the caller may see has that id",
            "PATCH_FAILED", "The JSON Patch does not apply to the resource",
            "PATIENT_MISMATCH", "The answer is about another patient than the one the hub offered",
            "REDACTED", "Part of the resource is withheld from this caller",
            "REPEATED_PARAMETER", "A search parameter that may appear once appears more often",
            "RESOURCE_NOT_FOUND", "Nothing the caller may see has that id",
            "SEARCH_PARAMETER_IGNORED", "An unknown search parameter was ignored (Prefer: handling=lenient)",
            "SERVICE_CANNOT_CLAIM", "The service cannot take the case now (closed, or not eligible for the patient)",
            "SERVICE_NOT_ELIGIBLE", "The service may not take this case",
            "UNAUTHORISED", "No bearer token, or one the hub does not trust",
            "UNKNOWN_OPERATION", "The server has no such operation",
            "UNKNOWN_RESOURCE_TYPE", "The server does not serve resources of that type",
            "UNKNOWN_SEARCH_PARAMETER", "The search parameter is not one the server supports for the type",
            "UNKNOWN_TOPIC", "The subscription names a topic the hub does not publish",
            "UNSUPPORTED_CHANNEL", "The subscription channel is not rest-hook",
            "UNSUPPORTED_FORMAT", "The format asked for is neither FHIR JSON nor FHIR XML",
            "UNSUPPORTED_INCLUDE", "The _include is not one the server supports for the type",
            "UNSUPPORTED_PATCH_FORMAT", "PATCH takes application/json-patch+json only",
            "UNSUPPORTED_PAYLOAD", "The subscription payload content is not id-only",
            "UNSUPPORTED_SEARCH", "The server does not search resources of that type",
            "UNSUPPORTED_SORT", "The _sort is not one the server supports for the type",
            "UNSUPPORTED_TASK_STATUS", "A provider may not set an offer to that status",
            "VERSION_CONFLICT", "The resource changed since the version in If-Match",
            "WRITE_APPLIED", "The write was applied; the resource is not sent back (Prefer: return=OperationOutcome)");

    /**
     * What was done, in the audit trail's AuditEvent.type ({@code AuditEventRenderer}) for what is not a FHIR
     * interaction: the operator's and the directory's actions. The list grows with the hub's features, so the
     * CodeSystem says it is a fragment: a code not listed here is not an error.
     */
    static final Map<String, String> AUDIT_ACTIONS = ordered(
            "board.offer.accept", "A hub clinician accepted an offer on the board for a service",
            "board.offer.reject", "A hub clinician declined an offer on the board for a service",
            "capacity.update", "A provider or operator set a service's capacity",
            "dead-letter.replay", "An operator replayed a dead-lettered delivery",
            "destination.pause", "An operator paused deliveries to a destination",
            "destination.resume", "An operator resumed deliveries to a destination",
            "directory-file.apply", "The directory file was applied",
            "directory-file.reload", "An operator reloaded the directory file",
            "directory-service.create", "A service was added to the directory",
            "directory-service.delete", "A service was removed from the directory",
            "directory-service.update", "A service of the directory was changed",
            "referral.claim", "A service claimed a case from the clinical stack",
            "referral.send-back", "A hub clinician sent a case back to the ambulance service",
            "referral.timeline.read", "An operator read a referral's timeline",
            "routing-policy.reload", "An operator reloaded the routing policy",
            "what-if.run", "An operator ran a what-if routing of past incidents");

    private HubTerminology() {
    }

    /** Every CodeSystem the hub mints, a fresh copy each call. */
    public static List<CodeSystem> codeSystems() {
        List<CodeSystem> systems = new ArrayList<>();
        Map<String, String> serviceTypes = new LinkedHashMap<>();
        for (ServiceType type : ServiceType.values()) {
            serviceTypes.put(type.code(), type.display());
        }
        systems.add(codeSystem(ServiceType.SYSTEM, "CommunityServiceType", "Community service types",
                "The kinds of community service an ambulance case can go to instead of an emergency department:"
                        + " HealthcareService.type, Task.performerType and the routing policy say them.",
                CodeSystemContentMode.COMPLETE, serviceTypes));
        systems.add(codeSystem(OfferStatusReason.HUB_SYSTEM, "OfferStatusReasons", "Offer status reasons of the hub",
                "Why the hub closed an offer other than by the provider's answer (Task.statusReason): a provider"
                        + " declines with the NHS codes BaRS uses (rejected-reasons-bars, dos-rejected-reasons-bars).",
                CodeSystemContentMode.COMPLETE, new TreeMap<>(OfferStatusReason.hubDisplays())));
        systems.add(codeSystem(OperationOutcomes.CODE_SYSTEM, "HubErrorCodes", "Hub error codes",
                "Stable codes of the hub's OperationOutcomes (issue.details.coding), so a provider system can react"
                        + " to the code rather than parse the text.",
                CodeSystemContentMode.COMPLETE, ERROR_CODES));
        systems.add(codeSystem(AuditEventRenderer.ACTION_SYSTEM, "AuditActions", "Audit actions",
                "What was done, in AuditEvent.type, for the actions of operators, clinicians and the directory that"
                        + " are not FHIR interactions.",
                CodeSystemContentMode.FRAGMENT, AUDIT_ACTIONS));
        return systems;
    }

    /** One ValueSet per CodeSystem, of all its codes, under the same name in {@link #VALUE_SET_BASE}. */
    public static List<ValueSet> valueSets() {
        List<ValueSet> sets = new ArrayList<>();
        for (CodeSystem system : codeSystems()) {
            ValueSet set = new ValueSet();
            describe(set, VALUE_SET_BASE + system.getIdElement().getIdPart(), system.getName(),
                    system.getTitle() + " (all codes)", "Every code of the CodeSystem " + system.getUrl() + ".");
            set.getCompose().addInclude().setSystem(system.getUrl());
            sets.add(set);
        }
        return sets;
    }

    /** The CodeSystem or ValueSet with this id, if the hub publishes one. */
    public static Optional<MetadataResource> read(String type, String id) {
        return all(type).stream().filter(r -> r.getIdElement().getIdPart().equals(id)).findFirst();
    }

    /** Every CodeSystem or ValueSet (by {@code type}) the hub publishes. */
    public static List<MetadataResource> all(String type) {
        return switch (type) {
            case "CodeSystem" -> List.copyOf(codeSystems());
            case "ValueSet" -> List.copyOf(valueSets());
            default -> List.of();
        };
    }

    private static CodeSystem codeSystem(String url, String name, String title, String description,
            CodeSystemContentMode content, Map<String, String> codes) {
        CodeSystem system = new CodeSystem();
        describe(system, url, name, title, description);
        system.setCaseSensitive(true).setContent(content).setValueSet(VALUE_SET_BASE + idOf(url));
        codes.forEach((code, display) -> system.addConcept().setCode(code).setDisplay(display));
        if (content == CodeSystemContentMode.COMPLETE) {
            system.setCount(codes.size());
        }
        return system;
    }

    private static void describe(MetadataResource resource, String url, String name, String title,
            String description) {
        resource.setId(idOf(url));
        resource.setUrl(url).setVersion(VERSION).setName(name).setTitle(title).setStatus(PublicationStatus.ACTIVE)
                .setExperimental(false).setDate(PUBLISHED).setPublisher("rightcare-hub").setDescription(description);
        Narratives.summary(resource, title, description);
    }

    private static String idOf(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private static Map<String, String> ordered(String... codesAndDisplays) {
        Map<String, String> codes = new LinkedHashMap<>();
        for (int i = 0; i < codesAndDisplays.length; i += 2) {
            codes.put(codesAndDisplays[i], codesAndDisplays[i + 1]);
        }
        return codes;
    }
}

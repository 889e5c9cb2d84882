package org.rightcare.hub.bars;

/**
 * The BaRS (NHS Booking and Referral Standard) vocabulary the hub speaks, in one place for both directions: the
 * operation, the HTTP headers, the message event and reason codes, the MessageDefinition and profile canonicals and
 * the error codes. Spelled as the BaRS package {@code uk.nhsdigital.bars.r4} 1.35.0 and the Core guide 1.2.2 spell
 * them (see {@code ../shared/reference/bars-simplifier}); where upstream examples disagree with the CodeSystems, the
 * CodeSystems win.
 */
public final class BarsMessaging {

    /** The FHIR operation every BaRS message is POSTed to, relative to the receiver's FHIR base. */
    public static final String PROCESS_MESSAGE = "$process-message";

    public static final String CONTENT_TYPE = "application/fhir+json";

    /** Unique per HTTP request (each attempt is a request); the receiver echoes it in its answer. */
    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    /** Base64 of the JSON {@code {"value": ..., "system": ...}} naming the receiving service (Core: Routing). */
    public static final String TARGET_IDENTIFIER_HEADER = "NHSD-Target-Identifier";
    /** Base64 of a FHIR Organization: who is sending, for the receiver's access control and audit. */
    public static final String END_USER_ORGANISATION_HEADER = "NHSD-End-User-Organisation";
    /**
     * Required by the sender (Core: Logging): use case, message category, event and reason, separated by pipes,
     * e.g. {@code a4t3|validation|servicerequest-request|new}.
     */
    public static final String USE_CONTEXT_HEADER = "use-context";

    public static final String MESSAGE_EVENTS = "https://fhir.nhs.uk/CodeSystem/message-events-bars";
    public static final String EVENT_SERVICE_REQUEST_REQUEST = "servicerequest-request";
    public static final String EVENT_SERVICE_REQUEST_RESPONSE = "servicerequest-response";

    public static final String MESSAGE_REASONS = "https://fhir.nhs.uk/CodeSystem/message-reason-bars";
    public static final String REASON_NEW = "new";
    public static final String REASON_UPDATE = "update";

    public static final String MESSAGE_CATEGORY = "https://fhir.nhs.uk/CodeSystem/message-category-servicerequest";
    public static final String CATEGORY_VALIDATION = "validation";
    public static final String USE_CASES = "https://fhir.nhs.uk/CodeSystem/usecases-categories-bars";
    /** Application 4, 999 to community services (2-hour UCR, falls, virtual wards): the hub's use case. */
    public static final String USE_CASE_COMMUNITY_SERVICES = "a4t3";

    /**
     * The BaRS message version the hub writes in {@code Bundle.meta.versionId}, as the package's own validation
     * request example (VALREQ01) does: a receiver refuses a message without one (400 {@code REC_BAD_REQUEST}).
     */
    public static final String MESSAGE_VERSION = "1.1.0";

    /** Every BaRS MessageDefinition canonical starts so; the rest names the message. */
    public static final String MESSAGE_DEFINITION_BASE = "https://fhir.nhs.uk/MessageDefinition/bars-message-";
    public static final String VALIDATION_REQUEST_DEFINITION = MESSAGE_DEFINITION_BASE
            + "servicerequest-request-validation";
    public static final String CANCELLATION_DEFINITION = MESSAGE_DEFINITION_BASE
            + "servicerequest-request-cancelled";
    /** The receiver's interim answer to a validation request: accepted (in progress) or rejected with a reason. */
    public static final String INTERIM_RESPONSE_DEFINITION = MESSAGE_DEFINITION_BASE
            + "servicerequest-response-validation-interim";
    /** The receiver's final answer to a validation request: the outcome, with a CarePlan. */
    public static final String FULL_RESPONSE_DEFINITION = MESSAGE_DEFINITION_BASE
            + "servicerequest-response-validation-full";

    private static final String BARS_PROFILE_BASE = "https://fhir.nhs.uk/StructureDefinition/";
    public static final String BUNDLE_PROFILE = BARS_PROFILE_BASE + "BARSBundleMessage";
    public static final String MESSAGE_HEADER_REQUEST_PROFILE = BARS_PROFILE_BASE
            + "BARSMessageHeader-servicerequest-request";
    public static final String SERVICE_REQUEST_VALIDATION_PROFILE = BARS_PROFILE_BASE
            + "BARSServiceRequest-request-validation";
    public static final String FLAG_SCENE_SAFETY_PROFILE = BARS_PROFILE_BASE + "BARSFlag-scene-safety";
    /** The requester's decision support system (software and version), on the MessageHeader. */
    public static final String CDSS_EXTENSION = BARS_PROFILE_BASE + "CDSSExtension";

    private static final String UK_CORE_PROFILE_BASE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-";
    public static final String UK_CORE_PATIENT = UK_CORE_PROFILE_BASE + "Patient";
    public static final String UK_CORE_ENCOUNTER = UK_CORE_PROFILE_BASE + "Encounter";
    public static final String UK_CORE_LOCATION = UK_CORE_PROFILE_BASE + "Location";
    public static final String UK_CORE_OBSERVATION = UK_CORE_PROFILE_BASE + "Observation";
    public static final String UK_CORE_ORGANIZATION = UK_CORE_PROFILE_BASE + "Organization";
    public static final String UK_CORE_HEALTHCARE_SERVICE = UK_CORE_PROFILE_BASE + "HealthcareService";
    public static final String UK_CORE_CARE_PLAN = UK_CORE_PROFILE_BASE + "CarePlan";
    /** Ranks a Patient.contact: 1 is whom the receiving service calls first. */
    public static final String UK_CORE_CONTACT_RANK = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-ContactRank";

    /**
     * The OperationOutcome detail system of BaRS error codes, as the CodeSystem spells it; most upstream examples
     * write {@code Codesystem}, a known defect. Errors are told apart by their code, never by this spelling.
     */
    public static final String ERROR_CODES = "https://fhir.nhs.uk/CodeSystem/http-error-codes";
    /** A 409 the BaRS proxy injects when the receiver did not answer in time: worth another attempt. */
    public static final String REC_TIMEOUT = "REC_TIMEOUT";

    private BarsMessaging() {
    }
}

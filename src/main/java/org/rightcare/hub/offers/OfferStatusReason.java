package org.rightcare.hub.offers;

import java.util.Map;

import org.rightcare.hub.referral.SendBackReason;

/**
 * Why an offer ended other than by acceptance: the FHIR Task's statusReason. A provider declines with the NHS codes
 * BaRS uses ({@code rejected-reasons-bars} or the DoS {@code dos-rejected-reasons-bars}) and optional free text;
 * the hub records its own failures and withdrawals in {@link #HUB_SYSTEM}.
 */
public record OfferStatusReason(String system, String code, String text) {

    public static final String BARS_SYSTEM = "https://fhir.nhs.uk/CodeSystem/rejected-reasons-bars";
    public static final String DOS_SYSTEM = "https://fhir.nhs.uk/CodeSystem/dos-rejected-reasons-bars";
    public static final String HUB_SYSTEM = "https://fhir.rightcare-hub.org/CodeSystem/offer-status-reasons";

    public static final OfferStatusReason TIMED_OUT = hub("timed-out");
    public static final OfferStatusReason UNDELIVERABLE = hub("undeliverable");
    public static final OfferStatusReason CANCELLED_BY_CAD = hub("cancelled-by-cad");
    public static final OfferStatusReason CATEGORY_UPGRADED = hub("category-upgraded");
    public static final OfferStatusReason CLAIMED_BY_ANOTHER_SERVICE = hub("claimed-by-another-service");
    public static final OfferStatusReason SENT_BACK_BY_HUB = hub("sent-back-by-hub");
    public static final OfferStatusReason HUB_ERROR = hub("hub-error");
    public static final OfferStatusReason DETERIORATED = hub("deteriorated");
    public static final OfferStatusReason CONVEYING = hub("conveying");
    public static final OfferStatusReason OUT_OF_AREA = hub("out-of-area");
    public static final OfferStatusReason SERVICE_CLOSED = hub("service-closed");
    public static final OfferStatusReason CLINICIAN_REQUESTS_AMBULANCE = hub("clinician-requests-ambulance");
    public static final OfferStatusReason NO_CAPACITY = hub("no-capacity");
    public static final OfferStatusReason SERVICE_CHANGED = hub("service-changed");

    private static final Map<String, String> HUB_DISPLAYS = Map.ofEntries(
            Map.entry("timed-out", "No answer within the acceptance window"),
            Map.entry("undeliverable", "The offer could not be delivered to the service"),
            Map.entry("cancelled-by-cad", "The ambulance service cancelled the referral"),
            Map.entry("category-upgraded", "The incident was upgraded to an ambulance-only category"),
            Map.entry("claimed-by-another-service", "Another service claimed the case from the clinical stack"),
            Map.entry("sent-back-by-hub", "A hub clinician sent the case back to the ambulance service"),
            Map.entry("hub-error", "The hub could not process the case and sent it back to the ambulance service"),
            Map.entry("deteriorated", "The clinical picture moved outside what the service takes"),
            Map.entry("conveying", "The crew started conveying the patient"),
            Map.entry("out-of-area", "The patient's location moved outside the service's catchment"),
            Map.entry("service-closed", "The service closed before it answered"),
            Map.entry("clinician-requests-ambulance", "The service's clinician asked for an ambulance response"),
            Map.entry("no-capacity", "The service reported it has no capacity before it answered"),
            Map.entry("service-changed", "The service's directory entry or the routing policy changed, and the "
                    + "service no longer takes this case (removed, inactive, or no longer eligible)"));

    private static final Map<String, String> BARS_DISPLAYS = Map.of(
            "RRNA", "Requested resource not available within timescale",
            "OTH", "Other");
    private static final Map<String, String> DOS_DISPLAYS = Map.ofEntries(
            Map.entry("21", "Unsuitable due to transport"),
            Map.entry("22", "Rejected for capacity reasons"),
            Map.entry("23", "Service not clinically appropriate"),
            Map.entry("24", "Service declined referral"),
            Map.entry("26", "Rejected for patient choice"),
            Map.entry("27", "Service could not be contacted"),
            Map.entry("31", "No appointments available"),
            Map.entry("32", "Appointments not suitable"),
            Map.entry("40", "Patient not eligible for service"),
            Map.entry("41", "Patient requested home visit"),
            Map.entry("42", "Unsuitable due to distance"),
            Map.entry("99", "Other reason"));

    /** The hub's own codes and their displays: the CodeSystem {@link #HUB_SYSTEM} the hub publishes. */
    public static Map<String, String> hubDisplays() {
        return HUB_DISPLAYS;
    }

    public static OfferStatusReason hub(String code) {
        return new OfferStatusReason(HUB_SYSTEM, code, null);
    }

    /** The hub's reason for withdrawing an offer or recalling an acceptance that no longer holds for {@code why}. */
    public static OfferStatusReason withdrawnFor(SendBackReason why) {
        return switch (why) {
            case NOT_ELIGIBLE_CATEGORY -> CATEGORY_UPGRADED;
            case CONVEYING -> CONVEYING;
            case OUT_OF_AREA -> OUT_OF_AREA;
            case SERVICE_CLOSED -> SERVICE_CLOSED;
            case NO_CAPACITY -> NO_CAPACITY;
            case NO_ELIGIBLE_SERVICE -> SERVICE_CHANGED;
            case HUB_ERROR -> HUB_ERROR;
            case CLINICIAN_REQUESTS_AMBULANCE -> CLINICIAN_REQUESTS_AMBULANCE;
            default -> DETERIORATED;
        };
    }

    /** Whether a provider may decline with this code: one of the two NHS rejection code systems' codes. */
    public boolean isProviderRejectionCode() {
        return (BARS_SYSTEM.equals(system) || DOS_SYSTEM.equals(system)) && display() != null;
    }

    /** The code system's display for the code, or null for an unknown code. */
    public String display() {
        if (BARS_SYSTEM.equals(system)) {
            return BARS_DISPLAYS.get(code);
        }
        if (DOS_SYSTEM.equals(system)) {
            return DOS_DISPLAYS.get(code);
        }
        if (HUB_SYSTEM.equals(system)) {
            return HUB_DISPLAYS.get(code);
        }
        return null;
    }

    /** How the ambulance service hears it if every other service declines too. */
    public SendBackReason asSendBackReason() {
        String key = (DOS_SYSTEM.equals(system) ? "dos:" : HUB_SYSTEM.equals(system) ? "hub:" : "bars:") + code;
        return switch (key) {
            case "bars:RRNA", "dos:22", "dos:31" -> SendBackReason.NO_CAPACITY;
            case "dos:23", "dos:40" -> SendBackReason.CLINICALLY_INAPPROPRIATE;
            case "dos:42" -> SendBackReason.OUT_OF_AREA;
            case "dos:27", "hub:timed-out" -> SendBackReason.TIMED_OUT;
            case "hub:deteriorated" -> SendBackReason.DETERIORATED;
            case "hub:conveying" -> SendBackReason.CONVEYING;
            case "hub:out-of-area" -> SendBackReason.OUT_OF_AREA;
            case "hub:service-closed" -> SendBackReason.SERVICE_CLOSED;
            case "hub:no-capacity" -> SendBackReason.NO_CAPACITY;
            case "hub:service-changed" -> SendBackReason.NO_ELIGIBLE_SERVICE;
            case "hub:category-upgraded" -> SendBackReason.NOT_ELIGIBLE_CATEGORY;
            case "hub:hub-error" -> SendBackReason.HUB_ERROR;
            case "hub:clinician-requests-ambulance" -> SendBackReason.CLINICIAN_REQUESTS_AMBULANCE;
            // The service never saw the offer: the CAD must not read it as a service that chose not to answer.
            case "hub:undeliverable" -> SendBackReason.PROVIDER_UNREACHABLE;
            default -> SendBackReason.OTHER;
        };
    }
}

package org.rightcare.hub.fhirapi.search;

import java.util.List;
import java.util.Optional;

import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.referral.ArpCategory;

/**
 * The resource types the FHIR API searches, each with the parameters and {@code _include}s it serves. Every search
 * also takes {@code _count} (1-100, default 20), {@code _sort} ({@link #sortParameter()}, {@code -} for newest
 * first, the default), {@code _format}, {@code _pretty} and the paging token {@code _page} from a {@code next} link.
 */
public enum SearchableType {

    SERVICE_REQUEST("ServiceRequest", "_lastUpdated",
            List.of(
                    SearchParameter.token("status", "active (routing, offered or accepted), completed, or revoked "
                            + "(sent back to the ambulance service or cancelled by the CAD)"),
                    SearchParameter.token("category", "The ARP category (" + ArpCategory.SYSTEM + "), e.g. C3"),
                    SearchParameter.token("priority", "stat, asap, urgent or routine (from the ARP category)"),
                    SearchParameter.token("service-type", "A community service type (" + ServiceType.SYSTEM
                            + "): for a provider, cases one of its services of that type was offered or may claim; "
                            + "for the hub's staff, cases offered to a service of that type"),
                    SearchParameter.reference("patient", "identifier", "The patient: Patient/{id}, or chained "
                            + "patient.identifier=https://fhir.nhs.uk/Id/nhs-number|{NHS number}. A provider finds "
                            + "by NHS number only the cases it was offered, never its stack"),
                    SearchParameter.date("_lastUpdated", "When the referral last changed (eq, gt, ge, lt, le)")),
            List.of("ServiceRequest:subject", "ServiceRequest:patient", "ServiceRequest:encounter")),

    TASK("Task", "_lastUpdated",
            List.of(
                    SearchParameter.token("status", "The offer's status: requested, received, accepted, rejected, "
                            + "cancelled, failed, in-progress, completed"),
                    SearchParameter.reference("focus", null, "The referral: ServiceRequest/{id}"),
                    SearchParameter.token("performer", "The offered service's type (" + ServiceType.SYSTEM + ")"),
                    SearchParameter.reference("patient", "identifier", "The patient: Patient/{id}, or chained "
                            + "patient.identifier=https://fhir.nhs.uk/Id/nhs-number|{NHS number}"),
                    SearchParameter.date("_lastUpdated", "When the offer last changed (eq, gt, ge, lt, le)")),
            List.of("Task:focus", "Task:patient", "Task:encounter")),

    AUDIT_EVENT("AuditEvent", "date",
            List.of(
                    SearchParameter.date("date", "When it was recorded (eq, gt, ge, lt, le)"),
                    SearchParameter.reference("entity", null, "What was read or changed, e.g. ServiceRequest/{id}"),
                    SearchParameter.token("altid", "Who: the token subject of the user or system"),
                    SearchParameter.token("outcome", "0 success, 4 refused or not found (outcomeDesc says which)")),
            List.of());

    public static final int DEFAULT_COUNT = 20;
    public static final int MAX_COUNT = 100;

    private final String resourceType;
    private final String sortParameter;
    private final List<SearchParameter> parameters;
    private final List<String> includes;

    SearchableType(String resourceType, String sortParameter, List<SearchParameter> parameters,
            List<String> includes) {
        this.resourceType = resourceType;
        this.sortParameter = sortParameter;
        this.parameters = parameters;
        this.includes = includes;
    }

    public String resourceType() {
        return resourceType;
    }

    /** The one sort this type offers: by when each match last changed (or was recorded). */
    public String sortParameter() {
        return sortParameter;
    }

    public List<SearchParameter> parameters() {
        return parameters;
    }

    public List<String> includes() {
        return includes;
    }

    public Optional<SearchParameter> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public static Optional<SearchableType> of(String resourceType) {
        return java.util.Arrays.stream(values()).filter(t -> t.resourceType.equals(resourceType)).findFirst();
    }
}

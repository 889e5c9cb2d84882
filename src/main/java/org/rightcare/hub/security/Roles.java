package org.rightcare.hub.security;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What each role may do through the FHIR API, as permissions. Which cases a provider sees within a permitted type is
 * decided elsewhere (by who was offered the case and whose catchment it is in); this only says which types and
 * whether to read or write them.
 */
public final class Roles {

    public static final String PROVIDER = "provider";
    public static final String CAD = "cad";
    public static final String HUB_CLINICIAN = "hub-clinician";
    public static final String HUB_ADMIN = "hub-admin";
    public static final String AUDITOR = "auditor";

    /** The resources a referral is rendered as: patient data. */
    public static final List<String> CLINICAL_TYPES = List.of("ServiceRequest", "Patient", "Encounter", "Location",
            "Observation", "Flag", "Task");

    /** The service directory: no patient data. */
    public static final List<String> DIRECTORY_TYPES = List.of("HealthcareService", "Organization", "Endpoint",
            "OperationDefinition");

    private static final Map<String, List<Permission>> GRANTS = Map.of(
            // Community provider systems: their offers and stack, answering and claiming (by Task or by BaRS message
            // to $process-message), their own capacity, and their own subscriptions to offers and stack changes.
            PROVIDER, concat(reads(CLINICAL_TYPES), reads(DIRECTORY_TYPES),
                    List.of(Permission.write("Task"), Permission.write("MessageHeader"),
                            Permission.write("HealthcareService"), Permission.read("Subscription"),
                            Permission.write("Subscription"))),
            // Ambulance CAD systems hear about their cases through callbacks and the incident poll; through FHIR they
            // may look up the services the hub names.
            CAD, reads(DIRECTORY_TYPES),
            // The hub's own clinicians and integration engineers see every case.
            HUB_CLINICIAN, concat(reads(CLINICAL_TYPES), reads(DIRECTORY_TYPES)),
            HUB_ADMIN, concat(reads(CLINICAL_TYPES), reads(DIRECTORY_TYPES),
                    List.of(Permission.write("HealthcareService"))),
            // Auditors read the audit trail and nothing else.
            AUDITOR, List.of(Permission.read("AuditEvent")));

    private Roles() {
    }

    public static List<Permission> grants(String role) {
        return GRANTS.getOrDefault(role, List.of());
    }

    private static List<Permission> reads(List<String> types) {
        return types.stream().map(Permission::read).toList();
    }

    @SafeVarargs
    private static List<Permission> concat(List<Permission>... lists) {
        return Stream.of(lists).flatMap(List::stream).toList();
    }
}

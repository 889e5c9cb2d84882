package org.rightcare.hub.directory;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of community service an ambulance case can go to instead of an emergency department. The codes are the
 * hub's own (CodeSystem {@link #SYSTEM}): they are what directory files, routing policies and HealthcareService.type
 * say.
 */
public enum ServiceType {
    UCR("ucr", "Urgent community response (2-hour)"),
    FALLS_RESPONSE("falls-response", "Falls response"),
    VIRTUAL_WARD_FRAILTY("virtual-ward-frailty", "Virtual ward (frailty)"),
    VIRTUAL_WARD_ARI("virtual-ward-ari", "Virtual ward (acute respiratory infection)"),
    SDEC_MEDICAL("sdec-medical", "Same day emergency care (medical)"),
    SDEC_SURGICAL("sdec-surgical", "Same day emergency care (surgical)"),
    GP_IN_HOURS("gp-in-hours", "General practice (in hours)"),
    GP_OUT_OF_HOURS("gp-out-of-hours", "General practice (out of hours)"),
    GP_IN_ED("gp-in-ed", "GP in the emergency department"),
    MENTAL_HEALTH_HOME_TREATMENT("mental-health-home-treatment", "Mental health crisis and home treatment"),
    CLINICAL_ASSESSMENT_SERVICE("clinical-assessment-service", "Clinical assessment service");

    public static final String SYSTEM = "https://fhir.rightcare-hub.org/CodeSystem/community-service-type";

    private final String code;
    private final String display;

    ServiceType(String code, String display) {
        this.code = code;
        this.display = display;
    }

    public String code() {
        return code;
    }

    public String display() {
        return display;
    }

    public static Optional<ServiceType> fromCode(String code) {
        return Arrays.stream(values()).filter(t -> t.code.equals(code)).findFirst();
    }
}

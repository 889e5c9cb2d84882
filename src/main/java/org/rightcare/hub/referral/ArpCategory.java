package org.rightcare.hub.referral;

import java.util.Arrays;
import java.util.Optional;

/**
 * Ambulance Response Programme priorities, as the NHS {@code arp-priority-codes} CodeSystem names them. The
 * display texts are those of that CodeSystem.
 */
public enum ArpCategory {
    C1("Cat1 Life Threatening"),
    C2("Cat2 Emergency"),
    C3("Cat3 Urgent"),
    C4("Cat4 Less Urgent"),
    C4T("Cat4 Less Urgent - transport"),
    C5("Non Ambulance"),
    HCP1("HCP1 Life Threatening"),
    HCP2("HCP2 Emergency"),
    HCP3("HCP3 Urgent"),
    HCP4("HCP4 Less Urgent"),
    IFT1("IFT1 Life Threatening"),
    IFT2("IFT2 Emergency"),
    IFT3("IFT3 Urgent"),
    IFT4("IFT4 Less Urgent");

    public static final String SYSTEM = "https://fhir.nhs.uk/CodeSystem/arp-priority-codes";

    private final String display;

    ArpCategory(String display) {
        this.display = display;
    }

    public String code() {
        return name();
    }

    public String display() {
        return display;
    }

    /**
     * Life-threatening and emergency calls, and calls booked by health care professionals or for inter-facility
     * transfers, belong to the ambulance service: a community service is never offered one unless a routing
     * policy explicitly enables C2 segmentation.
     */
    public boolean isAmbulanceOnly() {
        return this == C1 || this == C2 || name().startsWith("HCP") || name().startsWith("IFT");
    }

    public static Optional<ArpCategory> fromCode(String code) {
        return Arrays.stream(values()).filter(c -> c.name().equals(code)).findFirst();
    }
}

package org.rightcare.hub.intake;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of event a CAD posts, with the contract's wire values. */
public enum CadEventType {
    /** A new incident the CAD wants community care considered for. */
    CREATED("incident.created"),
    /** Any change: category, clinical picture, dispatch state. Carries the whole incident again. */
    UPDATED("incident.updated"),
    /** The CAD no longer wants a referral: patient conveyed, call closed, ambulance sent. */
    CANCELLED("incident.cancelled"),
    /** The CAD closed the incident. */
    CLOSED("incident.closed");

    private final String wireValue;

    CadEventType(String wireValue) {
        this.wireValue = wireValue;
    }

    public String wireValue() {
        return wireValue;
    }

    /** Created and updated events carry the full incident; cancel and close need only its id. */
    public boolean carriesFullIncident() {
        return this == CREATED || this == UPDATED;
    }

    public static Optional<CadEventType> fromWireValue(String value) {
        return Arrays.stream(values()).filter(t -> t.wireValue.equals(value)).findFirst();
    }
}

package org.rightcare.hub.referral;

import java.util.Arrays;
import java.util.Optional;

/** Where the incident is in the ambulance service's own workflow, with the CAD contract's wire values. */
public enum DispatchState {
    CLINICAL_QUEUE("clinical-queue"),
    AWAITING_DISPATCH("awaiting-dispatch"),
    DISPATCHED("dispatched"),
    ON_SCENE("on-scene"),
    CONVEYING("conveying"),
    CLOSED("closed");

    private final String wireValue;

    DispatchState(String wireValue) {
        this.wireValue = wireValue;
    }

    public String wireValue() {
        return wireValue;
    }

    /** Pre-dispatch cases are still on the clinical queue; post-dispatch ones have a crew allocated or on scene. */
    public boolean isPreDispatch() {
        return this == CLINICAL_QUEUE || this == AWAITING_DISPATCH;
    }

    public static Optional<DispatchState> fromWireValue(String value) {
        return Arrays.stream(values()).filter(s -> s.wireValue.equals(value)).findFirst();
    }
}

package org.rightcare.hub.directory;

import java.util.Arrays;
import java.util.Optional;

import org.rightcare.hub.referral.DispatchState;

/**
 * The two moments a service can take an ambulance case: before dispatch (the case waits on the ambulance
 * service's clinical queue, and the service validates or takes it instead of a crew) or after (a crew is on its
 * way or on scene and hands the patient over). A patient being conveyed, or a closed incident, is in neither.
 */
public enum DispatchPhase {
    PRE_DISPATCH("pre-dispatch"),
    POST_DISPATCH("post-dispatch");

    private final String code;

    DispatchPhase(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** Empty for {@code conveying} and {@code closed}: no service is offered a case then. */
    public static Optional<DispatchPhase> of(DispatchState state) {
        if (state == DispatchState.CONVEYING || state == DispatchState.CLOSED) {
            return Optional.empty();
        }
        return Optional.of(state.isPreDispatch() ? PRE_DISPATCH : POST_DISPATCH);
    }

    public static Optional<DispatchPhase> fromCode(String code) {
        return Arrays.stream(values()).filter(p -> p.code.equals(code)).findFirst();
    }
}

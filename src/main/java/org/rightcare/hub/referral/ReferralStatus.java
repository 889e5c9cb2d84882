package org.rightcare.hub.referral;

import java.util.Arrays;
import java.util.Optional;

/**
 * The life of a referral in the hub. The terminal states are the only ways out: nothing may stay in a
 * non-terminal state beyond its time budget.
 */
public enum ReferralStatus {
    /** Received and durably stored; the router has not yet offered it to a service. */
    ROUTING("routing", false),
    /** Offered to one service, waiting for its answer. */
    OFFERED("offered", false),
    /** A service has taken the patient. */
    ACCEPTED("accepted", true),
    /** Returned to the ambulance service with a reason (hear and treat, or dispatch). */
    SENT_BACK("sent-back", true),
    /** The CAD withdrew it (patient conveyed, call closed, ambulance sent). */
    CANCELLED("cancelled", true),
    /** The accepting service has finished its care. */
    COMPLETED("completed", true);

    private final String wireValue;
    private final boolean terminal;

    ReferralStatus(String wireValue, boolean terminal) {
        this.wireValue = wireValue;
        this.terminal = terminal;
    }

    public String wireValue() {
        return wireValue;
    }

    /** Accepted counts as terminal for the hub's loop: the case is no longer in limbo, only completion follows. */
    public boolean isTerminal() {
        return terminal;
    }

    public static Optional<ReferralStatus> fromWireValue(String value) {
        return Arrays.stream(values()).filter(s -> s.wireValue.equals(value)).findFirst();
    }
}

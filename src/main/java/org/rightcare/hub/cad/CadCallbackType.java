package org.rightcare.hub.cad;

/** The outcomes the hub calls a CAD back about, with the contract's {@code eventType} values. */
public enum CadCallbackType {
    /** Sent to a service, awaiting its answer. */
    OFFERED("referral.offered"),
    /** A service took the patient: the CAD can remove the incident from its stack. */
    ACCEPTED("referral.accepted"),
    /** The case is the ambulance service's again (hear and treat, or dispatch), with the reason. */
    SENT_BACK("referral.sent-back"),
    COMPLETED("referral.completed"),
    /** Confirms the CAD's own cancel. */
    CANCELLED("referral.cancelled");

    private final String wireValue;

    CadCallbackType(String wireValue) {
        this.wireValue = wireValue;
    }

    public String wireValue() {
        return wireValue;
    }
}

package org.rightcare.hub.stack;

/** How much of one referral a caller may see. */
public enum CaseView {
    /** Everything: the hub's own staff, and a provider that was offered the case. */
    FULL,
    /**
     * What a provider needs to decide whether to claim a case on its clinical stack: the clinical picture without
     * the patient's identity or exact whereabouts, and nothing about other services' offers.
     */
    STACK,
    /** Nothing: to this caller the referral does not exist. */
    NONE
}

package org.rightcare.hub.referral;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The life of a referral as one explicit state machine: for each status and each event of the case, the status it
 * moves to, the reason it carries and who is told (the provider holding or offered the case, the CAD). A pair not in
 * the table is illegal: the cascade refuses it and changes nothing. {@code ReferralCascade} is the only code that
 * moves a referral, and it moves it only along this table; the README's state table is this one, rendered by
 * {@link #markdownTable()} (a test checks that they agree).
 */
public final class ReferralLifecycle {

    private ReferralLifecycle() {
    }

    /** What can happen to a case. */
    public enum CaseEvent {
        /** The router picked a service: a new offer (the first, or the next after one closed). */
        OFFER_MADE("offer made"),
        /** The offered service declined; the same step offers the next service or sends the case back. */
        DECLINED("declined"),
        /** The offer's deadline passed unanswered (or the service closed first); the same step moves on. */
        DEADLINE_PASSED("deadline passed"),
        /** The offer could not be delivered to the service's system; the same step moves on. */
        UNDELIVERABLE("undeliverable"),
        /** No service is left, the budget is spent or the category is ambulance-only. */
        NO_SERVICE_LEFT("no service left"),
        /** The offered service accepted. */
        ACCEPTED("accepted"),
        /** A service claimed the case from its clinical stack (any open offer with another is withdrawn). */
        CLAIMED("claimed from the stack"),
        /** The CAD sent a new picture under which the holding commitment still holds. */
        PICTURE_CHANGED("picture changed, still eligible"),
        /** The CAD sent a new picture under which the open offer no longer holds; the same step moves on. */
        OFFER_NO_LONGER_HOLDS("offer no longer eligible"),
        /**
         * The offered service's directory entry or capacity changed (removed, inactive, no longer eligible, area,
         * hours, no room) so that the router would no longer offer it the case; the same step moves on.
         */
        SERVICE_NO_LONGER_TAKES_IT("service changed, offer no longer holds"),
        /** The CAD sent a new picture under which the acceptance no longer holds: it is recalled. */
        ACCEPTANCE_NO_LONGER_HOLDS("acceptance no longer holds"),
        /** The accepting service's final answer asks for no ambulance. */
        COMPLETED("final answer, no ambulance"),
        /** A final answer (BaRS final response, Task output) asks for an ambulance response. */
        FINAL_ANSWER_ASKS_FOR_AMBULANCE("final answer asks for an ambulance"),
        /** A hub clinician sent the case back. */
        CLINICIAN_SENT_BACK("clinician sent back"),
        /** The CAD cancelled the incident. */
        CAD_CANCELLED("CAD cancelled"),
        /** The CAD closed the incident. */
        CAD_CLOSED("CAD closed"),
        /** A step of the case failed {@code hub.routing.max-step-failures} times in a row. */
        STEP_FAILED_TOO_OFTEN("step failed too often");

        private final String label;

        CaseEvent(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One legal move.
     *
     * @param to the status after the event ({@link ReferralStatus#ROUTING} for an offer that closed, when the same
     *        step goes on to the next offer or the send-back)
     * @param reason the send-back reason the event carries, or a description of where it comes from; empty when none
     * @param provider whether the provider holding or offered the case is told (offer, revocation, update)
     * @param cad whether the CAD is told by callback in this step
     */
    public record Transition(ReferralStatus to, String reason, boolean provider, boolean cad) {
    }

    private static final Map<ReferralStatus, Map<CaseEvent, Transition>> TABLE = new EnumMap<>(ReferralStatus.class);

    static {
        for (ReferralStatus status : ReferralStatus.values()) {
            TABLE.put(status, new EnumMap<>(CaseEvent.class));
        }
        ReferralStatus routing = ReferralStatus.ROUTING;
        ReferralStatus offered = ReferralStatus.OFFERED;
        ReferralStatus accepted = ReferralStatus.ACCEPTED;
        ReferralStatus sentBack = ReferralStatus.SENT_BACK;
        for (ReferralStatus open : List.of(routing, offered)) {
            legal(open, CaseEvent.OFFER_MADE, offered, "", true, true);
            legal(open, CaseEvent.NO_SERVICE_LEFT, sentBack, "router's reason or the last answer's", false, true);
            legal(open, CaseEvent.CLAIMED, accepted, "", true, true);
            legal(open, CaseEvent.CLINICIAN_SENT_BACK, sentBack, "the clinician's", true, true);
            legal(open, CaseEvent.CAD_CANCELLED, ReferralStatus.CANCELLED, "", true, true);
            legal(open, CaseEvent.CAD_CLOSED, ReferralStatus.CANCELLED, "", true, true);
            legal(open, CaseEvent.STEP_FAILED_TOO_OFTEN, sentBack, SendBackReason.HUB_ERROR.code(), true, true);
        }
        legal(routing, CaseEvent.OFFER_NO_LONGER_HOLDS, sentBack, "not-eligible-category, conveying", false, true);
        legal(offered, CaseEvent.DECLINED, routing, "", false, false);
        legal(offered, CaseEvent.DEADLINE_PASSED, routing, "", true, false);
        legal(offered, CaseEvent.UNDELIVERABLE, routing, "", false, false);
        legal(offered, CaseEvent.ACCEPTED, accepted, "", false, true);
        legal(offered, CaseEvent.PICTURE_CHANGED, offered, "", true, false);
        legal(offered, CaseEvent.OFFER_NO_LONGER_HOLDS, routing,
                "not-eligible-category, conveying, deteriorated, out-of-area", true, false);
        legal(offered, CaseEvent.SERVICE_NO_LONGER_TAKES_IT, routing,
                "service-closed, no-capacity, out-of-area, no-eligible-service", true, false);
        legal(offered, CaseEvent.FINAL_ANSWER_ASKS_FOR_AMBULANCE, sentBack,
                SendBackReason.CLINICIAN_REQUESTS_AMBULANCE.code(), false, true);
        legal(accepted, CaseEvent.PICTURE_CHANGED, accepted, "", true, false);
        legal(accepted, CaseEvent.ACCEPTANCE_NO_LONGER_HOLDS, sentBack,
                "not-eligible-category, conveying, deteriorated, out-of-area", true, true);
        legal(accepted, CaseEvent.COMPLETED, ReferralStatus.COMPLETED, "", false, true);
        legal(accepted, CaseEvent.FINAL_ANSWER_ASKS_FOR_AMBULANCE, sentBack,
                SendBackReason.CLINICIAN_REQUESTS_AMBULANCE.code(), false, true);
        legal(accepted, CaseEvent.CAD_CANCELLED, ReferralStatus.CANCELLED, "", true, true);
        // Closing the CAD incident is what a CAD does once a service has accepted: the acceptance stands.
        legal(accepted, CaseEvent.CAD_CLOSED, accepted, "", false, false);
    }

    private static void legal(ReferralStatus from, CaseEvent event, ReferralStatus to, String reason, boolean provider,
            boolean cad) {
        TABLE.get(from).put(event, new Transition(to, reason, provider, cad));
    }

    /** The move {@code event} makes from {@code from}; empty when it is illegal (refused: nothing changes). */
    public static Optional<Transition> transition(ReferralStatus from, CaseEvent event) {
        return Optional.ofNullable(TABLE.get(from).get(event));
    }

    /** Whether {@code event} may happen to a referral in {@code from}. */
    public static boolean allows(ReferralStatus from, CaseEvent event) {
        return TABLE.get(from).containsKey(event);
    }

    /** The table as the README shows it: one row per legal move; every other pair is refused. */
    public static String markdownTable() {
        List<String> lines = new ArrayList<>();
        lines.add("| from | event | to | reason | provider told | CAD told |");
        lines.add("|---|---|---|---|---|---|");
        for (ReferralStatus from : ReferralStatus.values()) {
            for (Map.Entry<CaseEvent, Transition> move : TABLE.get(from).entrySet()) {
                Transition t = move.getValue();
                lines.add("| `" + from.wireValue() + "` | " + move.getKey().label() + " | `" + t.to().wireValue() + "` | "
                        + (t.reason().isEmpty() ? "" : t.reason()) + " | " + (t.provider() ? "yes" : "") + " | "
                        + (t.cad() ? "yes" : "") + " |");
            }
        }
        return String.join("\n", lines) + "\n";
    }
}

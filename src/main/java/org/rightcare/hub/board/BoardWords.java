package org.rightcare.hub.board;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.rightcare.hub.offers.OfferStatus;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.DispatchState;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.referral.ReferralStatus;
import org.rightcare.hub.referral.SendBackReason;
import org.rightcare.hub.routing.RoutingDecision;

/**
 * Words, not codes: how the board names states, reasons and clinical codes to the people who read it. States and
 * reasons in plain English; SNOMED CT, NHS Pathways and ARP codes with their display text from the NHS CodeSystems
 * ({@code board/code-displays.tsv}); a code the hub holds no text for is named for what it is, never guessed.
 */
final class BoardWords {

    private static final String SNOMED = "http://snomed.info/sct";
    private static final Map<String, String> DISPLAYS = load();

    private BoardWords() {
    }

    /** "C3 Urgent": the category's code, which crews say aloud, and the ARP CodeSystem's words for it. */
    static String category(ArpCategory category) {
        String words = category.display().replaceFirst("^Cat\\d ", "");
        return words.startsWith(category.code()) ? words : category.code() + " " + words;
    }

    static String referralState(ReferralStatus status) {
        return switch (status) {
            case ROUTING -> "Finding a service";
            case OFFERED -> "Offered";
            case ACCEPTED -> "Accepted";
            case SENT_BACK -> "Sent back to the ambulance service";
            case CANCELLED -> "Cancelled by the ambulance service";
            case COMPLETED -> "Care completed";
        };
    }

    static String offerState(OfferStatus status) {
        return switch (status) {
            case REQUESTED -> "Waiting for an answer";
            case RECEIVED -> "Seen by the team, waiting for an answer";
            case ACCEPTED -> "Accepted";
            case REJECTED -> "Declined";
            case CANCELLED -> "Withdrawn by the hub";
            case FAILED -> "No answer in time, or could not be delivered";
            case IN_PROGRESS -> "In the team's care";
            case COMPLETED -> "Care completed";
        };
    }

    static String sendBackReason(SendBackReason reason) {
        return reason == null ? "No reason recorded" : reason.display();
    }

    /** An offer's reason: a team's decline reason from the DoS or BaRS code system, or the hub's own. */
    static String offerReason(OfferStatusReason reason) {
        if (reason == null) {
            return "";
        }
        String words = reason.display();
        if (words == null) {
            words = switch (reason.code()) {
                case "timed-out" -> "No answer within the acceptance window";
                case "undeliverable" -> "The offer could not be delivered to the team's system";
                default -> "Reason " + reason.code();
            };
        }
        return reason.text() == null || reason.text().isBlank() ? words : words + ": \u201c" + reason.text() + "\u201d";
    }

    static String dispatchState(DispatchState state) {
        if (state == null) {
            return "Not recorded";
        }
        return switch (state) {
            case CLINICAL_QUEUE -> "In the clinical queue (not yet dispatched)";
            case AWAITING_DISPATCH -> "Awaiting dispatch";
            case DISPATCHED -> "Ambulance dispatched";
            case ON_SCENE -> "Crew on scene";
            case CONVEYING -> "Crew conveying the patient";
            case CLOSED -> "Call closed";
        };
    }

    static String exclusion(RoutingDecision.ExclusionReason reason) {
        return switch (reason) {
            case OUT_OF_AREA -> "Does not cover the patient's location";
            case CLOSED_NOW -> "Closed now";
            case NO_CAPACITY -> "No capacity";
            case NOT_ELIGIBLE -> "Patient not eligible";
            case ALREADY_DECLINED -> "Already declined this case";
            case INACTIVE -> "Not taking referrals (inactive)";
        };
    }

    /** A triage or clinical code with its words: "Fall (SNOMED CT 1912002)". */
    static String code(Incident.Coding coding) {
        String kind = kind(coding.system());
        String display = coding.display() != null && !coding.display().isBlank() ? coding.display()
                : DISPLAYS.get(kind + "\t" + coding.code());
        String named = switch (kind) {
            case "snomed" -> "SNOMED CT ";
            case "dx" -> "Pathways disposition ";
            case "sg" -> "Pathways symptom group ";
            case "sd" -> "Pathways symptom discriminator ";
            case "ampds" -> "AMPDS determinant ";
            default -> "";
        };
        return display == null ? named + coding.code() : display + " (" + named + coding.code() + ")";
    }

    /** The words of a CAD callback's event type, as the ambulance service hears it. */
    static String callback(String eventType) {
        return switch (eventType == null ? "" : eventType) {
            case "referral.offered" -> "the case was offered to a service";
            case "referral.accepted" -> "a service accepted the case";
            case "referral.sent-back" -> "the case was sent back";
            case "referral.completed" -> "the service completed its care";
            case "referral.cancelled" -> "the cancellation was confirmed";
            default -> "an update";
        };
    }

    private static String kind(String system) {
        if (system == null) {
            return "";
        }
        if (system.equals(SNOMED)) {
            return "snomed";
        }
        return switch (system) {
            case Incident.PATHWAYS_DX -> "dx";
            case Incident.PATHWAYS_SG -> "sg";
            case Incident.PATHWAYS_SD -> "sd";
            case Incident.AMPDS -> "ampds";
            default -> "";
        };
    }

    private static Map<String, String> load() {
        Map<String, String> displays = new HashMap<>();
        try (InputStream in = BoardWords.class.getResourceAsStream("/board/code-displays.tsv")) {
            if (in == null) {
                throw new IllegalStateException("board/code-displays.tsv is part of the build");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String[] parts = line.split("\t", 3);
                if (!line.startsWith("#") && parts.length == 3) {
                    displays.put(parts[0] + "\t" + parts[1], parts[2]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(displays);
    }
}

package org.rightcare.hub.fhir;

import java.util.Optional;
import java.util.UUID;

/**
 * The ids of the FHIR resources rendered for one referral. Every id starts with the referral's UUID, so a read
 * of any resource type can find the referral that it is rendered from with {@link #referralIdOf(String)}.
 *
 * <pre>
 * ServiceRequest/{referralId}
 * Patient/{referralId}
 * Encounter/{referralId}
 * Location/{referralId}
 * Flag/{referralId}-scene-safety
 * Observation/{referralId}-news2
 * Observation/{referralId}-frailty
 * Observation/{referralId}-estimated-age
 * Observation/{referralId}-obs-{n}     n = index in the incident's observation list
 * </pre>
 *
 * The methods return bare ids, without the resource type.
 */
public final class ReferralResourceIds {

    private static final int UUID_LENGTH = 36;

    private ReferralResourceIds() {
    }

    public static String serviceRequest(UUID referralId) {
        return referralId.toString();
    }

    public static String patient(UUID referralId) {
        return referralId.toString();
    }

    public static String encounter(UUID referralId) {
        return referralId.toString();
    }

    public static String location(UUID referralId) {
        return referralId.toString();
    }

    public static String sceneSafetyFlag(UUID referralId) {
        return referralId + "-scene-safety";
    }

    public static String news2Observation(UUID referralId) {
        return referralId + "-news2";
    }

    public static String frailtyObservation(UUID referralId) {
        return referralId + "-frailty";
    }

    public static String estimatedAgeObservation(UUID referralId) {
        return referralId + "-estimated-age";
    }

    /** The crew's or call handler's free observations, by their position in the incident's list. */
    public static String incidentObservation(UUID referralId, int index) {
        return referralId + "-obs-" + index;
    }

    /**
     * The referral a resource id belongs to: its leading UUID, in the canonical lower-case form the hub renders.
     * Empty for anything else, so that the caller answers 404 rather than guessing.
     */
    public static Optional<UUID> referralIdOf(String resourceId) {
        if (resourceId == null || resourceId.length() < UUID_LENGTH) {
            return Optional.empty();
        }
        String head = resourceId.substring(0, UUID_LENGTH);
        String rest = resourceId.substring(UUID_LENGTH);
        if (!rest.isEmpty() && !rest.startsWith("-")) {
            return Optional.empty();
        }
        try {
            UUID id = UUID.fromString(head);
            // UUID.fromString also accepts short or upper-case groups; only the form the hub renders is an id.
            return id.toString().equals(head) ? Optional.of(id) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

package org.rightcare.hub.intake;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.List;

import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.support.FieldError;

/**
 * The times of a CAD event must be ones the hub can act on: the contract's bounds ("Additions within v1": not more
 * than 5 minutes ahead of the hub's clock, {@code receivedAt} not more than 7 days old), and sane bounds for the times
 * the contract leaves open, so that no accepted event carries a time the database, java.time or a FHIR renderer
 * cannot hold, or one that would freeze a case (a far-future {@code occurredAt} wins every later update).
 */
final class TimePlausibility {

    /** Clocks drift; a CAD a little ahead of the hub is not lying. */
    static final Duration AHEAD = Duration.ofMinutes(5);
    /** The oldest call the hub takes on (contract). */
    static final Duration OLDEST_CALL = Duration.ofDays(7);
    /** Observations and crew times older than this belong to another episode. */
    static final Duration OLDEST_CLINICAL_TIME = Duration.ofDays(30);
    /** No CAD event of this hub predates this; older means a broken clock or a corrupt field. */
    static final Instant EARLIEST_EVENT = Instant.parse("2000-01-01T00:00:00Z");
    /** The oldest living person is younger; the contract's estimatedAge has the same ceiling. */
    static final Period OLDEST_PATIENT = Period.ofYears(130);

    private TimePlausibility() {
    }

    static void check(Instant occurredAt, Incident incident, Instant now, List<FieldError> errors) {
        Instant latest = now.plus(AHEAD);
        if (occurredAt != null) {
            if (occurredAt.isAfter(latest)) {
                errors.add(new FieldError("/occurredAt", aheadMessage()));
            } else if (occurredAt.isBefore(EARLIEST_EVENT)) {
                errors.add(new FieldError("/occurredAt", "must not be before " + EARLIEST_EVENT));
            }
        }
        if (incident == null) {
            return;
        }
        if (incident.receivedAt() != null) {
            if (incident.receivedAt().isAfter(latest)) {
                errors.add(new FieldError("/incident/receivedAt", aheadMessage()));
            } else if (incident.receivedAt().isBefore(now.minus(OLDEST_CALL))) {
                errors.add(new FieldError("/incident/receivedAt",
                        "must not be more than " + OLDEST_CALL.toDays() + " days old"));
            }
        }
        Instant earliestClinical = now.minus(OLDEST_CLINICAL_TIME);
        if (incident.clinical() != null && incident.clinical().observations() != null) {
            List<Incident.Observation> observations = incident.clinical().observations();
            for (int i = 0; i < observations.size(); i++) {
                Incident.Observation observation = observations.get(i);
                if (observation != null) {
                    clinicalTime(observation.takenAt(), "/incident/clinical/observations/" + i + "/takenAt", latest,
                            earliestClinical, errors);
                }
            }
        }
        if (incident.crew() != null) {
            clinicalTime(incident.crew().onSceneAt(), "/incident/crew/onSceneAt", latest, earliestClinical, errors);
        }
        if (incident.patient() != null && incident.patient().birthDate() != null) {
            LocalDate today = now.atOffset(ZoneOffset.UTC).toLocalDate();
            if (incident.patient().birthDate().isBefore(today.minus(OLDEST_PATIENT))) {
                errors.add(new FieldError("/incident/patient/birthDate",
                        "must not be more than " + OLDEST_PATIENT.getYears() + " years ago"));
            }
        }
    }

    private static void clinicalTime(Instant time, String pointer, Instant latest, Instant earliest,
            List<FieldError> errors) {
        if (time == null) {
            return;
        }
        if (time.isAfter(latest)) {
            errors.add(new FieldError(pointer, aheadMessage()));
        } else if (time.isBefore(earliest)) {
            errors.add(new FieldError(pointer, "must not be more than " + OLDEST_CLINICAL_TIME.toDays() + " days old"));
        }
    }

    private static String aheadMessage() {
        return "must not be more than " + AHEAD.toMinutes() + " minutes ahead of the hub's clock";
    }
}

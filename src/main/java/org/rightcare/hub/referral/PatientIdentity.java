package org.rightcare.hub.referral;

import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;

/**
 * Who a patient is, as far as matching an answer to a referral goes: the NHS number, or, when there is none, the
 * family name and birth date. A provider's answer (a BaRS response, a Task update) that names a patient is matched to
 * the referral's before it changes anything: an answer about another patient must never accept, reject or complete
 * this patient's referral (hazard H-32).
 *
 * @param nhsNumber ten digits, or null
 * @param familyName as written, or null
 * @param birthDate or null
 */
public record PatientIdentity(String nhsNumber, String familyName, LocalDate birthDate) {

    public PatientIdentity {
        nhsNumber = blankToNull(nhsNumber == null ? null : nhsNumber.replace(" ", ""));
        familyName = blankToNull(familyName);
    }

    /** The identity of a referral's patient. */
    public static PatientIdentity of(Incident.Patient patient) {
        return patient == null ? new PatientIdentity(null, null, null)
                : new PatientIdentity(patient.nhsNumber(), patient.familyName(), patient.birthDate());
    }

    /**
     * Why the patient an answer names is not this (the referral's) patient, or empty when it is. NHS numbers decide
     * when both sides have one; otherwise the family name (ignoring case and spacing) and the birth date, each where
     * both sides have it, must agree, and at least one of them must be there to compare: an answer that can be
     * matched on nothing is not taken as being about this patient.
     */
    public Optional<String> differenceFrom(PatientIdentity answer) {
        if (nhsNumber != null && answer.nhsNumber != null) {
            return nhsNumber.equals(answer.nhsNumber) ? Optional.empty()
                    : Optional.of("the answer's patient has NHS number " + answer.nhsNumber
                            + ", not the referral's patient's");
        }
        boolean compared = false;
        if (familyName != null && answer.familyName != null) {
            if (!normalised(familyName).equals(normalised(answer.familyName))) {
                return Optional.of("the answer's patient's family name is not the referral's patient's");
            }
            compared = true;
        }
        if (birthDate != null && answer.birthDate != null) {
            if (!birthDate.equals(answer.birthDate)) {
                return Optional.of("the answer's patient's birth date is not the referral's patient's");
            }
            compared = true;
        }
        return compared ? Optional.empty()
                : Optional.of("the answer's patient cannot be matched to the referral's: it needs the NHS number, "
                        + "or the family name and birth date when there is none");
    }

    private static String normalised(String name) {
        return name.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}

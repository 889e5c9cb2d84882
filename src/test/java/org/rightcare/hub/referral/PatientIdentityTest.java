package org.rightcare.hub.referral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class PatientIdentityTest {

    private static final LocalDate BORN = LocalDate.parse("1938-04-02");
    private static final PatientIdentity EDITH = new PatientIdentity("9434765919", "Marsh", BORN);
    private static final PatientIdentity UNKNOWN_NHS = new PatientIdentity(null, "Marsh", BORN);

    @Test
    void theNhsNumberDecidesWhenBothHaveOne() {
        assertEquals(Optional.empty(), EDITH.differenceFrom(new PatientIdentity("943 476 5919", null, null)));
        assertTrue(EDITH.differenceFrom(new PatientIdentity("9000000009", "Marsh", BORN)).isPresent(),
                "another NHS number is another patient, whatever the name");
    }

    @Test
    void withoutAnNhsNumberTheFamilyNameAndBirthDateMustAgree() {
        assertEquals(Optional.empty(), UNKNOWN_NHS.differenceFrom(new PatientIdentity(null, " MARSH ", BORN)));
        assertEquals(Optional.empty(), EDITH.differenceFrom(new PatientIdentity(null, "marsh", BORN)));
        assertTrue(UNKNOWN_NHS.differenceFrom(new PatientIdentity(null, "Smith", BORN)).isPresent());
        assertTrue(UNKNOWN_NHS.differenceFrom(new PatientIdentity(null, "Marsh", BORN.plusDays(1))).isPresent());
        assertTrue(UNKNOWN_NHS.differenceFrom(new PatientIdentity("9434765919", "Smith", null)).isPresent());
    }

    @Test
    void anAnswerThatCanBeMatchedOnNothingIsNotThisPatient() {
        assertTrue(EDITH.differenceFrom(new PatientIdentity(null, null, null)).isPresent());
        assertTrue(new PatientIdentity("9434765919", null, null).differenceFrom(new PatientIdentity(null, "Marsh",
                BORN)).isPresent());
    }

    @Test
    void readsTheReferralsPatient() {
        Incident.Patient patient = new Incident.Patient("9434765919", "Edith", "Marsh", BORN, null, "female", null,
                null);
        assertEquals(EDITH, PatientIdentity.of(patient));
    }
}

package org.rightcare.hub.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rightcare.hub.directory.IncidentFixtures.TODAY;
import static org.rightcare.hub.directory.IncidentFixtures.fall;
import static org.rightcare.hub.directory.IncidentFixtures.patient;
import static org.rightcare.hub.directory.IncidentFixtures.withCategory;
import static org.rightcare.hub.directory.IncidentFixtures.withCodes;
import static org.rightcare.hub.directory.IncidentFixtures.withDispatchState;
import static org.rightcare.hub.directory.IncidentFixtures.withPatient;
import static org.rightcare.hub.directory.IncidentFixtures.withScores;

import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.DispatchState;
import org.rightcare.hub.referral.Incident;

/** Each eligibility rule, and the reason a clinician reads when a case breaks it. */
class EligibilityTest {

    private static final Set<ArpCategory> C3_TO_C5 = EnumSet.of(ArpCategory.C3, ArpCategory.C4, ArpCategory.C5);
    private static final Set<DispatchPhase> BOTH_PHASES = EnumSet.allOf(DispatchPhase.class);

    private static Eligibility rules(List<Eligibility.Condition> conditions, Integer minAge, Integer maxAge,
            Integer news2Ceiling, Integer minFrailty) {
        return new Eligibility(C3_TO_C5, BOTH_PHASES, conditions, minAge, maxAge, news2Ceiling, minFrailty, null);
    }

    private static final Eligibility ANYONE = rules(List.of(), null, null, null, null);

    private static Optional<String> why(Eligibility eligibility, Incident incident) {
        return eligibility.whyNotEligible(incident, TODAY);
    }

    @Test
    void aCaseThatMeetsEveryRuleIsEligible() {
        Eligibility ucr = rules(List.of(), 18, null, 4, null);
        assertEquals(Optional.empty(), why(ucr, fall()));
        assertEquals(Optional.empty(), why(ANYONE, fall()));
    }

    @Test
    void refusesACategoryTheServiceDoesNotAccept() {
        assertEquals(Optional.of("category C2 not accepted"), why(ANYONE, withCategory(fall(), ArpCategory.C2)));
        assertEquals(Optional.of("category C1 not accepted"), why(ANYONE, withCategory(fall(), ArpCategory.C1)));
    }

    @Test
    void refusesAPatientYoungerThanTheMinimumAge() {
        Incident young = withPatient(fall(), patient(LocalDate.of(1981, 11, 23), null)); // 44 today, 45 tomorrow
        assertEquals(Optional.of("age 44 is under the minimum 65"), why(rules(List.of(), 65, null, null, null), young));
        Incident birthday = withPatient(fall(), patient(LocalDate.of(1981, 11, 22), null));
        assertEquals(Optional.of("age 45 is under the minimum 65"), why(rules(List.of(), 65, null, null, null), birthday));
    }

    @Test
    void refusesAPatientOlderThanTheMaximumAge() {
        assertEquals(Optional.of("age 88 is over the maximum 65"), why(rules(List.of(), 18, 65, null, null), fall()));
    }

    @Test
    void takesTheAgeFromTheBirthDateBeforeTheEstimate() {
        Incident both = withPatient(fall(), patient(LocalDate.of(2010, 1, 1), 70));
        assertEquals(Optional.of("age 16 is under the minimum 65"), why(rules(List.of(), 65, null, null, null), both));
        Incident estimated = withPatient(fall(), patient(null, 70));
        assertEquals(Optional.empty(), why(rules(List.of(), 65, null, null, null), estimated));
    }

    @Test
    void anUnknownAgeIsNotEligibleWhereTheServiceHasAnAgeRange() {
        Incident unknown = withPatient(fall(), patient(null, null));
        assertEquals(Optional.of("age unknown and the service takes age 18 and over"),
                why(rules(List.of(), 18, null, null, null), unknown));
        assertEquals(Optional.of("age unknown and the service takes age 18 to 65"),
                why(rules(List.of(), 18, 65, null, null), unknown));
        assertEquals(Optional.empty(), why(ANYONE, unknown));
    }

    @Test
    void refusesANews2AboveTheCeilingAndAcceptsAnUnknownOne() {
        Eligibility ceiling = rules(List.of(), null, null, 4, null);
        assertEquals(Optional.of("NEWS2 7 is above the ceiling 4"), why(ceiling, withScores(fall(), 7, 6)));
        assertEquals(Optional.empty(), why(ceiling, withScores(fall(), 4, 6)));
        assertEquals(Optional.empty(), why(ceiling, withScores(fall(), null, 6)));
    }

    @Test
    void refusesAFrailtyScoreUnderTheMinimumOrUnknown() {
        Eligibility frailtyWard = rules(List.of(), null, null, null, 5);
        assertEquals(Optional.of("clinical frailty scale 3 is under the minimum 5"),
                why(frailtyWard, withScores(fall(), 2, 3)));
        assertEquals(Optional.of("clinical frailty scale unknown and the service takes clinical frailty scale 5 and over"),
                why(frailtyWard, withScores(fall(), 2, null)));
        assertEquals(Optional.empty(), why(frailtyWard, withScores(fall(), 2, 5)));
    }

    @Test
    void refusesAPresentationOutsideTheConditionsAccepted() {
        Eligibility falls = rules(List.of(new Eligibility.Condition(Incident.AMPDS, "17A*", "Falls")), null, null,
                null, null);
        Incident breathing = withCodes(fall(), new Incident.Triage("ampds", null, null, null, "06C01"),
                new Incident.Coding("http://snomed.info/sct", "267036007", "Dyspnoea"));
        assertEquals(Optional.of("presenting complaint not in the conditions accepted"), why(falls, breathing));
    }

    @Test
    void refusesAConditionTheServiceExcludesWhateverElseMatches() {
        Eligibility noChestPainNorAmpdsChestPain = new Eligibility(C3_TO_C5, BOTH_PHASES, List.of(), null, null, null,
                null, null, List.of(new Eligibility.Condition("http://snomed.info/sct", "29857009", "Chest pain"),
                        new Eligibility.Condition(Incident.AMPDS, "10C*", null)));
        Incident chestPain = withCodes(fall(), null, new Incident.Coding("http://snomed.info/sct", "29857009",
                "Chest pain"));
        Incident ampdsChestPain = withCodes(fall(), new Incident.Triage("ampds", null, null, null, "10C01"),
                new Incident.Coding("http://snomed.info/sct", "1912002", "Fall"));
        assertEquals(Optional.of("the service excludes Chest pain http://snomed.info/sct|29857009"),
                why(noChestPainNorAmpdsChestPain, chestPain));
        assertEquals(Optional.of("the service excludes " + Incident.AMPDS + "|10C*"),
                why(noChestPainNorAmpdsChestPain, ampdsChestPain));
        assertEquals(Optional.empty(), why(noChestPainNorAmpdsChestPain, fall()));
        assertEquals(true, noChestPainNorAmpdsChestPain.describe().endsWith("never Chest pain (29857009), 10C*"));
    }

    @Test
    void matchesConditionsByPresentingComplaintOrAnyTriageCode() {
        Incident.Coding noComplaint = null;
        Incident ampds = withCodes(fall(), new Incident.Triage("ampds", null, null, null, "17A02"), noComplaint);
        Incident pathways = withCodes(fall(), new Incident.Triage("pathways", "Dx0122", "SG1044", "SD4052", null),
                noComplaint);
        Incident snomed = withCodes(fall(), null, new Incident.Coding("http://snomed.info/sct", "1912002", "Fall"));

        assertEquals(Optional.empty(), why(only(Incident.AMPDS, "17A*"), ampds));
        assertEquals(Optional.empty(), why(only(Incident.AMPDS, "17A02"), ampds));
        assertEquals(Optional.of("presenting complaint not in the conditions accepted"),
                why(only(Incident.AMPDS, "17B*"), ampds));
        assertEquals(Optional.empty(), why(only(Incident.PATHWAYS_SG, "SG1044"), pathways));
        assertEquals(Optional.empty(), why(only(Incident.PATHWAYS_SD, "SD4052"), pathways));
        assertEquals(Optional.empty(), why(only(Incident.PATHWAYS_DX, "Dx0122"), pathways));
        assertEquals(Optional.empty(), why(only("http://snomed.info/sct", "1912002"), snomed));
        // The same code in another system is another code.
        assertEquals(Optional.of("presenting complaint not in the conditions accepted"),
                why(only(Incident.PATHWAYS_DX, "SG1044"), pathways));
    }

    @Test
    void acceptsOnlyTheDispatchPhasesListed() {
        Eligibility postOnly = new Eligibility(C3_TO_C5, EnumSet.of(DispatchPhase.POST_DISPATCH), List.of(), null,
                null, null, null, null);
        Eligibility preOnly = new Eligibility(C3_TO_C5, EnumSet.of(DispatchPhase.PRE_DISPATCH), List.of(), null, null,
                null, null, null);
        assertEquals(Optional.of("post-dispatch cases only"), why(postOnly, fall()));
        assertEquals(Optional.of("post-dispatch cases only"),
                why(postOnly, withDispatchState(fall(), DispatchState.AWAITING_DISPATCH)));
        assertEquals(Optional.empty(), why(postOnly, withDispatchState(fall(), DispatchState.ON_SCENE)));
        assertEquals(Optional.of("pre-dispatch cases only"),
                why(preOnly, withDispatchState(fall(), DispatchState.DISPATCHED)));
    }

    @Test
    void aPatientBeingConveyedOrAClosedIncidentIsNeverEligible() {
        assertEquals(Optional.of("dispatch state conveying is never referred"),
                why(ANYONE, withDispatchState(fall(), DispatchState.CONVEYING)));
        assertEquals(Optional.of("dispatch state closed is never referred"),
                why(ANYONE, withDispatchState(fall(), DispatchState.CLOSED)));
    }

    @Test
    void describesItsRulesInOneLine() {
        Eligibility rules = new Eligibility(C3_TO_C5, BOTH_PHASES,
                List.of(new Eligibility.Condition("http://snomed.info/sct", "1912002", "Fall")), 60, null, 4, 5, null);
        assertEquals("categories C3, C4, C5; pre-dispatch and post-dispatch; age 60 and over; NEWS2 up to 4; "
                + "clinical frailty scale 5 and over; conditions Fall (1912002)", rules.describe());
    }

    private static Eligibility only(String system, String code) {
        return rules(List.of(new Eligibility.Condition(system, code, null)), null, null, null, null);
    }
}

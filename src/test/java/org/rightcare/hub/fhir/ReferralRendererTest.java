package org.rightcare.hub.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.DispatchState;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralStatus;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;

/**
 * Renders hand-built referrals, sends every resource through JSON and back as a consumer would receive it, and
 * validates it against the project's own profiles in {@code fhir-profiles/}.
 */
class ReferralRendererTest {

    private static final FhirContext FHIR = FhirContext.forR4();
    private static final IParser JSON = FHIR.newJsonParser();

    private static final List<String> PROFILED_TYPES = List.of("ServiceRequest", "Patient", "Encounter", "Location",
            "Observation", "Flag");

    /** Built once: loading the core definitions and generating the profiles' snapshots takes seconds. */
    private static final FhirValidator VALIDATOR = validator();

    private static final UUID REFERRAL_ID = UUID.fromString("5b3c0c1e-8f8e-4a57-9d3e-6f1f4a2b7c10");
    private static final String CAD_SYSTEM = "SECAMB-CAD";
    private static final String INCIDENT_ID = "SEC-20261122-004211";
    private static final Instant RECEIVED_AT = Instant.parse("2026-11-22T13:58:40Z");
    private static final Instant CREATED_AT = Instant.parse("2026-11-22T14:03:13Z");
    private static final Instant UPDATED_AT = Instant.parse("2026-11-22T14:05:02.250Z");
    /** Category 3: two hours from the call. */
    private static final Instant BREACH_AT = RECEIVED_AT.plus(Duration.ofHours(2));

    private final ReferralRenderer renderer = new ReferralRenderer();

    @Test
    void rendersEveryResourceOfTheReferral() {
        Map<String, Resource> rendered = renderById(fallAt88());

        assertEquals(Set.of(
                "ServiceRequest/" + REFERRAL_ID,
                "Patient/" + REFERRAL_ID,
                "Encounter/" + REFERRAL_ID,
                "Location/" + REFERRAL_ID,
                "Flag/" + REFERRAL_ID + "-scene-safety",
                "Observation/" + REFERRAL_ID + "-news2",
                "Observation/" + REFERRAL_ID + "-frailty",
                "Observation/" + REFERRAL_ID + "-obs-0"), rendered.keySet());
    }

    @Test
    void stampsEveryResourceWithTheReferralVersionAndItsProjectProfile() {
        for (Resource resource : roundTrip(renderer.render(fallAt88()))) {
            assertEquals("3", resource.getMeta().getVersionId(), resource.getId());
            assertEquals(UPDATED_AT, resource.getMeta().getLastUpdated().toInstant(), resource.getId());
            assertEquals(List.of("https://fhir.rightcare-hub.org/StructureDefinition/rightcare-" + resource.fhirType()),
                    resource.getMeta().getProfile().stream().map(p -> p.getValue()).toList());
        }
    }

    @Test
    void identifiesTheServiceRequestByReferralIdAndPerCadIncidentId() {
        ServiceRequest request = serviceRequest(fallAt88());

        assertEquals(Map.of(
                "https://fhir.rightcare-hub.org/Id/referral-id", REFERRAL_ID.toString(),
                "https://fhir.rightcare-hub.org/Id/cad-incident-id/SECAMB-CAD", INCIDENT_ID),
                request.getIdentifier().stream()
                        .collect(Collectors.toMap(Identifier::getSystem, Identifier::getValue)));
    }

    @Test
    void identifiesTheEncounterByThePerCadIncidentId() {
        Encounter encounter = resource(fallAt88(), Encounter.class);

        assertEquals(1, encounter.getIdentifier().size());
        assertEquals("https://fhir.rightcare-hub.org/Id/cad-incident-id/SECAMB-CAD",
                encounter.getIdentifierFirstRep().getSystem());
        assertEquals(INCIDENT_ID, encounter.getIdentifierFirstRep().getValue());
        assertEquals("EMER", encounter.getClass_().getCode());
        assertEquals("http://terminology.hl7.org/CodeSystem/v3-ActCode", encounter.getClass_().getSystem());
        assertEquals(RECEIVED_AT, encounter.getPeriod().getStart().toInstant());
    }

    @Test
    void rendersBreachTimeAsOccurrenceEnd() {
        ServiceRequest request = serviceRequest(fallAt88());

        assertEquals(RECEIVED_AT, request.getOccurrencePeriod().getStart().toInstant());
        assertEquals(BREACH_AT, request.getOccurrencePeriod().getEnd().toInstant());
        assertEquals(CREATED_AT, request.getAuthoredOn().toInstant());
    }

    @Test
    void categorisesAPreDispatchCaseAsValidationForCommunityServices() {
        ServiceRequest request = serviceRequest(fallAt88());

        assertEquals(ServiceRequest.ServiceRequestIntent.PLAN, request.getIntent());
        assertEquals(2, request.getCategory().size());
        CodeableConcept bars = request.getCategory().get(0);
        assertCoding(bars.getCoding().get(0), "https://fhir.nhs.uk/CodeSystem/message-category-servicerequest",
                "validation", "For Validation");
        assertCoding(bars.getCoding().get(1), "https://fhir.nhs.uk/CodeSystem/usecases-categories-bars", "a4t3",
                "999 - Community Services");
        assertCoding(request.getCategory().get(1).getCodingFirstRep(),
                "https://fhir.nhs.uk/CodeSystem/arp-priority-codes",
                "C3", "Cat3 Urgent");
    }

    @Test
    void categorisesAPostDispatchCaseAsReferral() {
        ServiceRequest request = serviceRequest(withDispatchState(fallAt88(), DispatchState.ON_SCENE));

        assertCoding(request.getCategoryFirstRep().getCodingFirstRep(),
                "https://fhir.nhs.uk/CodeSystem/message-category-servicerequest", "referral", "Transfer of Care");
    }

    @ParameterizedTest
    @EnumSource(ArpCategory.class)
    void derivesPriorityFromTheArpCategory(ArpCategory category) {
        ServiceRequestPriority expected = switch (category.code()) {
            case "C1", "HCP1", "IFT1" -> ServiceRequestPriority.STAT;
            case "C2", "HCP2", "IFT2" -> ServiceRequestPriority.ASAP;
            case "C3", "HCP3", "IFT3" -> ServiceRequestPriority.URGENT;
            default -> ServiceRequestPriority.ROUTINE;
        };

        ServiceRequest request = serviceRequest(withCategory(fallAt88(), category));

        assertEquals(expected, request.getPriority());
        assertEquals(category.code(), request.getCategory().get(1).getCodingFirstRep().getCode());
    }

    @ParameterizedTest
    @EnumSource(ReferralStatus.class)
    void mapsEveryReferralStatusToServiceRequestAndEncounterStatus(ReferralStatus status) {
        Referral referral = withStatus(fallAt88(), status);
        ServiceRequestStatus expectedRequest = switch (status) {
            case ROUTING, OFFERED, ACCEPTED -> ServiceRequestStatus.ACTIVE;
            case COMPLETED -> ServiceRequestStatus.COMPLETED;
            case CANCELLED, SENT_BACK -> ServiceRequestStatus.REVOKED;
        };
        Encounter.EncounterStatus expectedEncounter = switch (status) {
            case ROUTING, OFFERED -> Encounter.EncounterStatus.TRIAGED;
            case ACCEPTED -> Encounter.EncounterStatus.INPROGRESS;
            case COMPLETED -> Encounter.EncounterStatus.FINISHED;
            case CANCELLED, SENT_BACK -> Encounter.EncounterStatus.CANCELLED;
        };

        assertEquals(expectedRequest, serviceRequest(referral).getStatus());
        assertEquals(expectedEncounter, resource(referral, Encounter.class).getStatus());
    }

    @Test
    void saysInANoteThatARevokedRequestWasSentBack() {
        ServiceRequest sentBack = serviceRequest(withStatus(fallAt88(), ReferralStatus.SENT_BACK));
        ServiceRequest cancelled = serviceRequest(withStatus(fallAt88(), ReferralStatus.CANCELLED));

        assertTrue(sentBack.getNote().stream().anyMatch(n -> n.getText().startsWith("Sent back to the ambulance")));
        assertFalse(cancelled.getNote().stream().anyMatch(n -> n.getText().startsWith("Sent back")));
    }

    @Test
    void carriesTheCrewNotesAsANote() {
        ServiceRequest request = serviceRequest(fallAt88());

        assertEquals("Fell in kitchen approx 1 hour ago, unable to get up, no head injury, no pain.",
                request.getNoteFirstRep().getText());
    }

    @Test
    void givesThePresentingComplaintAndPathwaysCodesAsReasons() {
        List<CodeableConcept> reasons = serviceRequest(fallAt88()).getReasonCode();

        assertEquals(4, reasons.size());
        assertCoding(reasons.get(0).getCodingFirstRep(), "http://snomed.info/sct", "1912002", "Fall");
        assertCoding(reasons.get(1).getCodingFirstRep(), "https://fhir.nhs.uk/CodeSystem/pathways-sg-codes", "SG1044",
                null);
        assertCoding(reasons.get(2).getCodingFirstRep(), "https://fhir.nhs.uk/CodeSystem/pathways-sd-codes", "SD4052",
                null);
        assertCoding(reasons.get(3).getCodingFirstRep(), "https://fhir.nhs.uk/CodeSystem/pathways-dx-codes", "Dx0122",
                null);
    }

    @Test
    void givesTheAmpdsDeterminantAsAReason() {
        List<CodeableConcept> reasons = serviceRequest(ampdsTriaged(fallAt88())).getReasonCode();

        assertEquals(2, reasons.size());
        assertCoding(reasons.get(1).getCodingFirstRep(), "https://fhir.nhs.uk/CodeSystem/ampds-dispatch-codes",
                "17A01", null);
    }

    @Test
    void resolvesEveryReferenceWithinTheRenderedSet() {
        Map<String, Resource> rendered = renderById(fallAt88());
        ServiceRequest request = (ServiceRequest) rendered.get("ServiceRequest/" + REFERRAL_ID);

        List<Reference> references = rendered.values().stream()
                .flatMap(r -> r.children().stream())
                .flatMap(property -> property.getValues().stream())
                .flatMap(ReferralRendererTest::referencesIn)
                .toList();

        assertFalse(references.isEmpty());
        for (Reference reference : references) {
            assertTrue(rendered.containsKey(reference.getReference()), "unresolved " + reference.getReference());
        }
        assertEquals("Patient/" + REFERRAL_ID, request.getSubject().getReference());
        assertEquals("Encounter/" + REFERRAL_ID, request.getEncounter().getReference());
        assertEquals("Location/" + REFERRAL_ID, request.getLocationReferenceFirstRep().getReference());
        assertEquals(Set.of(
                "Observation/" + REFERRAL_ID + "-news2",
                "Observation/" + REFERRAL_ID + "-frailty",
                "Observation/" + REFERRAL_ID + "-obs-0",
                "Flag/" + REFERRAL_ID + "-scene-safety"),
                request.getSupportingInfo().stream().map(Reference::getReference).collect(Collectors.toSet()));
    }

    @Test
    void rendersNews2AndFrailtyAsUkCoreScores() {
        Map<String, Resource> rendered = renderById(fallAt88());
        Observation news2 = (Observation) rendered.get("Observation/" + REFERRAL_ID + "-news2");
        Observation frailty = (Observation) rendered.get("Observation/" + REFERRAL_ID + "-frailty");

        assertCoding(news2.getCode().getCodingFirstRep(), "http://snomed.info/sct", "1104051000000101",
                "Royal College of Physicians NEWS2 (National Early Warning Score 2) total score");
        assertScore(2, news2);
        assertCoding(frailty.getCode().getCodingFirstRep(), "http://snomed.info/sct", "763264000",
                "Canadian Study of Health and Aging Clinical Frailty Scale score");
        assertScore(6, frailty);
        for (Observation score : List.of(news2, frailty)) {
            assertEquals(Observation.ObservationStatus.FINAL, score.getStatus());
            assertEquals("survey", score.getCategoryFirstRep().getCodingFirstRep().getCode());
            assertEquals("Patient/" + REFERRAL_ID, score.getSubject().getReference());
            assertEquals("Encounter/" + REFERRAL_ID, score.getEncounter().getReference());
            assertTrue(score.hasEffectivePeriod(), "a reader can tell when it was scored: " + score.getId());
            assertFalse(score.getEffectivePeriod().getEnd().after(score.getIssued()), "no later than the hub had it");
        }
    }

    @Test
    void everyResourceHasAGeneratedNarrativeAndTheStackViewsNameNobody() {
        Referral referral = fallAt88();
        for (Resource resource : renderer.render(referral)) {
            DomainResource domain = (DomainResource) resource;
            assertEquals(Narrative.NarrativeStatus.GENERATED, domain.getText().getStatus(), resource.getId());
            assertTrue(domain.getText().getDivAsString().contains("<table>"), resource.getId());
        }
        Patient full = (Patient) renderById(referral).get("Patient/" + REFERRAL_ID);
        assertTrue(full.getText().getDivAsString().contains(referral.incident().patient().nhsNumber()));
        for (Resource resource : StackViewRedaction.redact(renderer.render(referral))) {
            String text = ((DomainResource) resource).getText().getDivAsString();
            Incident.Patient who = referral.incident().patient();
            for (String identifying : List.of(who.nhsNumber(), who.familyName(), who.givenName(), who.phone())) {
                assertFalse(text.contains(identifying), "the stack view's narrative of " + resource.getId()
                        + " withholds what its data withholds: " + identifying);
            }
        }
    }

    @Test
    void rendersTheCrewObservationAsTheCadSentIt() {
        Observation observation = (Observation) renderById(fallAt88()).get("Observation/" + REFERRAL_ID + "-obs-0");

        assertEquals("respiratory-rate", observation.getCode().getText());
        assertFalse(observation.getCode().hasCoding());
        assertEquals("vital-signs", observation.getCategoryFirstRep().getCodingFirstRep().getCode());
        assertEquals(0, new BigDecimal("18").compareTo(observation.getValueQuantity().getValue()));
        assertEquals("/min", observation.getValueQuantity().getUnit());
        assertEquals(Instant.parse("2026-11-22T14:01:00Z"),
                observation.getEffectiveDateTimeType().getValue().toInstant());
    }

    @Test
    void flagsTheSceneAsSafeOnTheIncidentLocation() {
        Flag flag = resource(fallAt88(), Flag.class);

        assertEquals(Flag.FlagStatus.ACTIVE, flag.getStatus());
        assertCoding(flag.getCategoryFirstRep().getCodingFirstRep(),
                "https://fhir.nhs.uk/CodeSystem/flag-categories-bars",
                "SS", "Scene Safety");
        assertCoding(flag.getCode().getCodingFirstRep(), "https://fhir.nhs.uk/CodeSystem/scene-safety-codes-bars", "S",
                "The Scene is safe");
        assertEquals("Location/" + REFERRAL_ID, flag.getSubject().getReference());
        assertEquals("Encounter/" + REFERRAL_ID, flag.getEncounter().getReference());
    }

    @Test
    void flagsAnUnsafeScene() {
        Flag flag = resource(withSceneSafe(fallAt88(), false), Flag.class);

        assertEquals("U", flag.getCode().getCodingFirstRep().getCode());
    }

    @Test
    void rendersNoFlagWhenSceneSafetyIsUnknown() {
        Referral referral = withSceneSafe(fallAt88(), null);

        assertTrue(renderer.render(referral).stream().noneMatch(Flag.class::isInstance));
        assertEquals(Optional.empty(), renderer.render(referral, "Flag", REFERRAL_ID + "-scene-safety"));
    }

    @Test
    void rendersTheKnownPatientWithNhsNumberNameAndContact() {
        Patient patient = resource(fallAt88(), Patient.class);

        assertEquals("https://fhir.nhs.uk/Id/nhs-number", patient.getIdentifierFirstRep().getSystem());
        assertEquals("9434765919", patient.getIdentifierFirstRep().getValue());
        assertEquals("Marsh", patient.getNameFirstRep().getFamily());
        assertEquals("Edith", patient.getNameFirstRep().getGivenAsSingleString());
        assertEquals("1938-04-02", patient.getBirthDateElement().getValueAsString());
        assertEquals("female", patient.getGender().toCode());
        assertEquals("+447700900123", patient.getTelecomFirstRep().getValue());
        assertEquals("ME14 1AB", patient.getAddressFirstRep().getPostalCode());
        assertEquals("12 Station Road", patient.getAddressFirstRep().getLine().get(0).getValue());
    }

    @Test
    void rendersAnUnknownPatientWithoutNhsNumberAndWithTheEstimatedAgeAsAnObservation() {
        Map<String, Resource> rendered = renderById(unknownPatient(fallAt88()));
        Patient patient = (Patient) rendered.get("Patient/" + REFERRAL_ID);
        Observation age = (Observation) rendered.get("Observation/" + REFERRAL_ID + "-estimated-age");

        assertFalse(patient.hasIdentifier());
        assertFalse(patient.hasBirthDate());
        assertNotNull(age);
        assertEquals("Patient Estimated Age", age.getCode().getText());
        assertEquals(0, new BigDecimal("85").compareTo(age.getValueQuantity().getValue()));
        assertEquals("a", age.getValueQuantity().getCode());
        assertTrue(age.hasEffectivePeriod(), "every observation says when it was made");
    }

    @Test
    void rendersTheIncidentLocationByPostcodeAndPosition() {
        Location location = resource(fallAt88(), Location.class);

        assertEquals("ME14 1AB", location.getAddress().getPostalCode());
        assertEquals(0, new BigDecimal("51.2787").compareTo(location.getPosition().getLatitude()));
        assertEquals(0, new BigDecimal("0.5217").compareTo(location.getPosition().getLongitude()));
        assertEquals("Home address", location.getDescription());
        assertEquals("ILOC", location.getTypeFirstRep().getCodingFirstRep().getCode());
    }

    @Test
    void rendersOneResourceByTypeAndId() {
        Referral referral = fallAt88();

        assertTrue(renderer.render(referral, "Observation", REFERRAL_ID + "-obs-0").isPresent());
        assertTrue(renderer.render(referral, "Patient", REFERRAL_ID.toString()).isPresent());
        assertEquals(Optional.empty(), renderer.render(referral, "Observation", REFERRAL_ID + "-obs-1"));
        assertEquals(Optional.empty(), renderer.render(referral, "Patient", REFERRAL_ID + "-news2"));
        assertEquals(Optional.empty(),
                renderer.render(withNews2(referral, null), "Observation", REFERRAL_ID + "-news2"));
    }

    @Test
    void findsTheReferralIdOfAnyRenderedResourceId() {
        for (Resource resource : renderer.render(fallAt88())) {
            String id = resource.getIdElement().getIdPart();
            assertEquals(Optional.of(REFERRAL_ID), ReferralResourceIds.referralIdOf(id), id);
        }
        assertEquals(Optional.empty(), ReferralResourceIds.referralIdOf(null));
        assertEquals(Optional.empty(), ReferralResourceIds.referralIdOf("not-a-referral"));
        assertEquals(Optional.empty(), ReferralResourceIds.referralIdOf(REFERRAL_ID + "news2"));
        assertEquals(Optional.empty(), ReferralResourceIds.referralIdOf(REFERRAL_ID.toString().toUpperCase()));
    }

    @Test
    void conformsToTheProjectProfiles() {
        List<Referral> variants = List.of(
                fallAt88(),
                unknownPatient(fallAt88()),
                ampdsTriaged(withDispatchState(fallAt88(), DispatchState.ON_SCENE)),
                withSceneSafe(withStatus(fallAt88(), ReferralStatus.SENT_BACK), false),
                withStatus(withCategory(fallAt88(), ArpCategory.C5), ReferralStatus.COMPLETED));

        for (Referral referral : variants) {
            for (Resource resource : renderer.render(referral)) {
                List<SingleValidationMessage> errors = errors(JSON.encodeResourceToString(resource));
                assertTrue(errors.isEmpty(), resource.getId() + ": " + describe(errors));
            }
        }
    }

    @Test
    void profileRejectsAServiceRequestWithoutBreachTime() {
        ServiceRequest request = serviceRequest(fallAt88());
        request.getOccurrencePeriod().setEnd(null);

        List<SingleValidationMessage> errors = errors(JSON.encodeResourceToString(request));

        assertTrue(errors.stream().anyMatch(m -> m.getLocationString().contains("occurrence")), describe(errors));
    }

    @Test
    void profileRejectsAnNhsNumberThatIsNotTenDigits() {
        Patient patient = resource(fallAt88(), Patient.class);
        patient.getIdentifierFirstRep().setValue("943476591");

        List<SingleValidationMessage> errors = errors(JSON.encodeResourceToString(patient));

        assertTrue(errors.stream().anyMatch(m -> m.getMessage().contains("rch-pat-1")), describe(errors));
    }

    @Test
    void profilesAreValidStructureDefinitions() {
        for (String type : PROFILED_TYPES) {
            List<SingleValidationMessage> errors = errors(JSON.encodeResourceToString(loadProfile(type)));
            assertTrue(errors.isEmpty(), type + ": " + describe(errors));
        }
    }

    // --- the referral: a realistic category 3 fall, as in the CAD webhook contract -------------------------------

    private static Referral fallAt88() {
        Incident incident = new Incident(
                INCIDENT_ID,
                RECEIVED_AT,
                ArpCategory.C3,
                DispatchState.CLINICAL_QUEUE,
                "999",
                new Incident.Triage("pathways", "Dx0122", "SG1044", "SD4052", null),
                new Incident.Coding("http://snomed.info/sct", "1912002", "Fall"),
                new Incident.Patient("9434765919", "Edith", "Marsh", LocalDate.of(1938, 4, 2), null, "female",
                        "+447700900123",
                        new Incident.Address(List.of("12 Station Road"), "Maidstone", "ME14 1AB")),
                new Incident.IncidentLocation("ME14 1AB", new BigDecimal("51.2787"), new BigDecimal("0.5217"),
                        "Home address"),
                new Incident.Clinical(2, 6,
                        List.of(new Incident.Observation("respiratory-rate", new BigDecimal("18"), "/min",
                                Instant.parse("2026-11-22T14:01:00Z"))),
                        true, "Fell in kitchen approx 1 hour ago, unable to get up, no head injury, no pain."),
                null);
        return new Referral(REFERRAL_ID, CAD_SYSTEM, INCIDENT_ID, ReferralStatus.ROUTING, incident, BREACH_AT,
                CREATED_AT, UPDATED_AT, 3, null, null, null, null);
    }

    private static Referral withIncident(Referral r, Incident incident) {
        return new Referral(r.id(), r.cadSystem(), r.incidentId(), r.status(), incident, r.breachAt(), r.createdAt(),
                r.updatedAt(), r.version(), r.budgetEndsAt(), r.sendBackReason(), r.callbackUrl(), r.correlationId());
    }

    private static Referral withStatus(Referral r, ReferralStatus status) {
        return new Referral(r.id(), r.cadSystem(), r.incidentId(), status, r.incident(), r.breachAt(), r.createdAt(),
                r.updatedAt(), r.version(), r.budgetEndsAt(), r.sendBackReason(), r.callbackUrl(), r.correlationId());
    }

    private static Referral withCategory(Referral r, ArpCategory category) {
        Incident i = r.incident();
        return withIncident(r, new Incident(i.incidentId(), i.receivedAt(), category, i.dispatchState(), i.origin(),
                i.triage(), i.presentingComplaint(), i.patient(), i.location(), i.clinical(), i.crew()));
    }

    private static Referral withDispatchState(Referral r, DispatchState state) {
        Incident i = r.incident();
        Incident.Crew crew = state.isPreDispatch()
                ? null
                : new Incident.Crew("KM-23", Instant.parse("2026-11-22T14:20:00Z"));
        return withIncident(r, new Incident(i.incidentId(), i.receivedAt(), i.category(), state, i.origin(),
                i.triage(), i.presentingComplaint(), i.patient(), i.location(), i.clinical(), crew));
    }

    private static Referral ampdsTriaged(Referral r) {
        Incident i = r.incident();
        return withIncident(r, new Incident(i.incidentId(), i.receivedAt(), i.category(), i.dispatchState(),
                i.origin(), new Incident.Triage("ampds", null, null, null, "17A01"), i.presentingComplaint(),
                i.patient(), i.location(), i.clinical(), i.crew()));
    }

    private static Referral unknownPatient(Referral r) {
        Incident i = r.incident();
        Incident.Patient unknown = new Incident.Patient(null, null, null, null, 85, "female", null, null);
        return withIncident(r, new Incident(i.incidentId(), i.receivedAt(), i.category(), i.dispatchState(),
                i.origin(), i.triage(), i.presentingComplaint(), unknown, i.location(), i.clinical(), i.crew()));
    }

    private static Referral withSceneSafe(Referral r, Boolean sceneSafe) {
        Incident.Clinical c = r.incident().clinical();
        return withClinical(r, new Incident.Clinical(c.news2(), c.clinicalFrailtyScale(), c.observations(), sceneSafe,
                c.notes()));
    }

    private static Referral withNews2(Referral r, Integer news2) {
        Incident.Clinical c = r.incident().clinical();
        return withClinical(r, new Incident.Clinical(news2, c.clinicalFrailtyScale(), c.observations(), c.sceneSafe(),
                c.notes()));
    }

    private static Referral withClinical(Referral r, Incident.Clinical clinical) {
        Incident i = r.incident();
        return withIncident(r, new Incident(i.incidentId(), i.receivedAt(), i.category(), i.dispatchState(),
                i.origin(), i.triage(), i.presentingComplaint(), i.patient(), i.location(), clinical, i.crew()));
    }

    // --- rendering as a consumer sees it ----------------------------------------------------------------------------

    private List<Resource> roundTrip(List<Resource> resources) {
        return resources.stream()
                .map(r -> (Resource) JSON.parseResource(JSON.encodeResourceToString(r)))
                .toList();
    }

    private Map<String, Resource> renderById(Referral referral) {
        return roundTrip(renderer.render(referral)).stream()
                .collect(Collectors.toMap(r -> r.fhirType() + "/" + r.getIdElement().getIdPart(), Function.identity()));
    }

    private ServiceRequest serviceRequest(Referral referral) {
        return resource(referral, ServiceRequest.class);
    }

    private <T extends Resource> T resource(Referral referral, Class<T> type) {
        return roundTrip(renderer.render(referral)).stream()
                .filter(type::isInstance)
                .map(type::cast)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " rendered"));
    }

    private static java.util.stream.Stream<Reference> referencesIn(Base value) {
        if (value instanceof Reference reference) {
            return java.util.stream.Stream.of(reference);
        }
        return value.children().stream()
                .flatMap(property -> property.getValues().stream())
                .flatMap(ReferralRendererTest::referencesIn);
    }

    private static void assertCoding(Coding coding, String system, String code, String display) {
        assertEquals(system, coding.getSystem());
        assertEquals(code, coding.getCode());
        assertEquals(display, coding.getDisplay());
    }

    private static void assertScore(int expected, Observation observation) {
        Quantity value = observation.getValueQuantity();
        assertEquals(expected, value.getValue().intValueExact());
        assertEquals("http://unitsofmeasure.org", value.getSystem());
        assertEquals("{ScoreOf}", value.getCode());
    }

    // --- validation -------------------------------------------------------------------------------------------------

    private static List<SingleValidationMessage> errors(String json) {
        ValidationResult result = VALIDATOR.validateWithResult(json);
        return result.getMessages().stream()
                .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                .toList();
    }

    private static String describe(List<SingleValidationMessage> messages) {
        return messages.stream()
                .map(m -> m.getSeverity() + " " + m.getLocationString() + ": " + m.getMessage())
                .collect(Collectors.joining("\n", "\n", ""));
    }

    /**
     * The R4 core definitions, the project profiles and in-memory terminology: no network and no NHS package. The
     * NHS code systems (BaRS, Pathways, ARP) are unknown to it; HAPI reports a code from an unknown code system as
     * a warning, not an error, so no extra configuration is needed and real errors still fail the test.
     */
    private static FhirValidator validator() {
        PrePopulatedValidationSupport profiles = new PrePopulatedValidationSupport(FHIR);
        for (String type : PROFILED_TYPES) {
            profiles.addStructureDefinition(loadProfile(type));
        }
        ValidationSupportChain chain = new ValidationSupportChain(
                new DefaultProfileValidationSupport(FHIR),
                profiles,
                new SnapshotGeneratingValidationSupport(FHIR),
                new InMemoryTerminologyServerValidationSupport(FHIR),
                new CommonCodeSystemsTerminologyService(FHIR));
        return FHIR.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
    }

    private static StructureDefinition loadProfile(String type) {
        String path = "fhir-profiles/StructureDefinition-rightcare-" + type + ".json";
        try (InputStream in = ReferralRendererTest.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is not on the classpath");
            }
            return JSON.parseResource(StructureDefinition.class, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }
}

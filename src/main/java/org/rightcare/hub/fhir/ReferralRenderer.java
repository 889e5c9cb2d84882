package org.rightcare.hub.fhir;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TimeZone;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralStatus;
import org.rightcare.hub.routing.ReferralRoute;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;

/**
 * Renders a referral as the FHIR R4 resources that providers read: ServiceRequest, Patient, Encounter, Location,
 * the scene-safety Flag and the Observations. The domain {@link Referral} is the source of truth; these resources
 * are a read-only view of it, rebuilt on every read, shaped as BaRS application 4 (999 to community services) and
 * UK Core expect, and claiming only the project's own profiles in {@code fhir-profiles/}.
 *
 * <p>
 * Every resource carries the referral's version and update time, so a provider sees one consistent version of
 * the whole case, and a generated narrative ({@link Narratives}) for systems that display only text. References
 * between the resources are relative ({@code Patient/<id>}). The bean has no state
 * and no dependencies: everything comes from the referral passed in.
 */
@ApplicationScoped
public class ReferralRenderer {

    static final String SNOMED = "http://snomed.info/sct";
    static final String UCUM = "http://unitsofmeasure.org";
    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    static final String MESSAGE_CATEGORY = "https://fhir.nhs.uk/CodeSystem/message-category-servicerequest";
    static final String USE_CASE_CATEGORY = "https://fhir.nhs.uk/CodeSystem/usecases-categories-bars";
    static final String FLAG_CATEGORY = "https://fhir.nhs.uk/CodeSystem/flag-categories-bars";
    static final String SCENE_SAFETY = "https://fhir.nhs.uk/CodeSystem/scene-safety-codes-bars";
    static final String LOCATION_TYPE = "https://fhir.nhs.uk/CodeSystem/location-types-bars";

    /** The UK Core early warning score total for NEWS2 (ValueSet UKCore-EarlyWarningTotalScore). */
    public static final String NEWS2_CODE = "1104051000000101";
    public static final String FRAILTY_CODE = "763264000";

    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    /** Every resource of the referral, the ServiceRequest first, without its routing history. */
    public List<Resource> render(Referral referral) {
        return render(referral, ReferralRoute.NONE);
    }

    /**
     * Every resource of the referral, the ServiceRequest first; the ServiceRequest also names the service that holds
     * the referral (performer) and explains the routing decision and each offer in notes.
     */
    public List<Resource> render(Referral referral, ReferralRoute route) {
        Patient patient = patient(referral);
        Location location = location(referral);
        Encounter encounter = encounter(referral, patient, location);
        Optional<Flag> sceneSafety = sceneSafetyFlag(referral, location, encounter);
        List<Observation> observations = observations(referral, patient, encounter);
        ServiceRequest serviceRequest = serviceRequest(referral, patient, encounter, location, observations,
                sceneSafety);
        describeRoute(serviceRequest, referral, route);

        List<Resource> resources = new ArrayList<>();
        resources.add(serviceRequest);
        resources.add(patient);
        resources.add(encounter);
        resources.add(location);
        sceneSafety.ifPresent(resources::add);
        resources.addAll(observations);
        Narratives.generate(resources);
        return resources;
    }

    /**
     * One resource of the referral, or empty when the referral has no such resource (no NEWS2 recorded, scene
     * safety not stated, an observation index past the end, or an id of another referral).
     */
    public Optional<Resource> render(Referral referral, String resourceType, String resourceId) {
        return render(referral, ReferralRoute.NONE, resourceType, resourceId);
    }

    /** One resource of the referral, the ServiceRequest with its routing history. */
    public Optional<Resource> render(Referral referral, ReferralRoute route, String resourceType, String resourceId) {
        return render(referral, route).stream()
                .filter(r -> r.fhirType().equals(resourceType))
                .filter(r -> r.getIdElement().getIdPart().equals(resourceId))
                .findFirst();
    }

    private ServiceRequest serviceRequest(Referral referral, Patient patient, Encounter encounter,
            Location location, List<Observation> observations, Optional<Flag> sceneSafety) {
        Incident incident = referral.incident();
        ServiceRequest request = new ServiceRequest();
        identify(request, ReferralResourceIds.serviceRequest(referral.id()), HubIdentifiers.SERVICE_REQUEST_PROFILE,
                referral);

        request.addIdentifier().setSystem(HubIdentifiers.REFERRAL_ID).setValue(referral.id().toString());
        request.addIdentifier()
                .setSystem(HubIdentifiers.cadIncidentId(referral.cadSystem()))
                .setValue(referral.incidentId());

        request.setStatus(serviceRequestStatus(referral.status()));
        // BaRS fixes intent to 'plan': the request is for a plan of care that the receiving service decides.
        request.setIntent(ServiceRequest.ServiceRequestIntent.PLAN);

        // Pre-dispatch cases ask the service to validate the ambulance disposition (BaRS 'validation'); once a
        // crew is allocated or on scene the crew hands the patient over (BaRS 'referral', transfer of care).
        // Either way the BaRS use case is application 4's "999 - Community Services" (a4t3): the hub offers
        // cases to community services, not to a clinical assessment service (a4t1) or only to falls (a4t2).
        CodeableConcept messageCategory = request.addCategory();
        if (incident.dispatchState().isPreDispatch()) {
            messageCategory.addCoding(new Coding(MESSAGE_CATEGORY, "validation", "For Validation"));
        } else {
            messageCategory.addCoding(new Coding(MESSAGE_CATEGORY, "referral", "Transfer of Care"));
        }
        messageCategory.addCoding(new Coding(USE_CASE_CATEGORY, "a4t3", "999 - Community Services"));

        // The ARP category is what providers filter their stack by, so it gets its own category entry.
        ArpCategory category = incident.category();
        request.addCategory().addCoding(new Coding(ArpCategory.SYSTEM, category.code(), category.display()));
        request.setPriority(priority(category));

        reasonCodes(incident).forEach(request::addReasonCode);

        request.setSubject(reference(patient));
        request.setEncounter(reference(encounter));
        request.addLocationReference(reference(location));

        // The response window: from the call until the ambulance response target runs out. BaRS calls the end
        // the breach time; after it the ambulance service must act whatever the provider does.
        Period occurrence = new Period().setStartElement(dateTime(incident.receivedAt()));
        if (referral.breachAt() != null) {
            occurrence.setEndElement(dateTime(referral.breachAt()));
        }
        request.setOccurrence(occurrence);
        request.setAuthoredOnElement(dateTime(referral.createdAt()));

        observations.forEach(o -> request.addSupportingInfo(reference(o)));
        sceneSafety.ifPresent(f -> request.addSupportingInfo(reference(f)));

        Incident.Clinical clinical = incident.clinical();
        if (clinical != null && hasText(clinical.notes())) {
            request.addNote(new Annotation().setText(clinical.notes()));
        }
        if (referral.status() == ReferralStatus.SENT_BACK) {
            // FHIR has no 'sent back' request status; revoked alone would read as a cancellation by the CAD.
            String reason = Optional.ofNullable(referral.sendBackReason())
                    .map(r -> " (" + r.code() + ": " + r.display() + ")").orElse("");
            request.addNote(new Annotation().setText("Sent back to the ambulance service" + reason + "."));
        }
        return request;
    }

    /**
     * Who holds the referral and why it went where it went, so a clinician reading the ServiceRequest can see it:
     * the holding service as performer, the routing decision and every offer as notes.
     */
    private static void describeRoute(ServiceRequest request, Referral referral, ReferralRoute route) {
        route.holder().ifPresent(offer -> request.addPerformer(new Reference("HealthcareService/" + offer.serviceId())));
        route.latestDecision().ifPresent(decision -> {
            StringBuilder text = new StringBuilder("Routing decision at ").append(decision.decidedAt()).append(": ");
            text.append(decision.ruleId() == null ? "no routing rule applies" : "rule " + decision.ruleId());
            if (!decision.candidates().isEmpty()) {
                text.append("; candidates in order: ").append(decision.candidates().stream()
                        .map(c -> c.serviceId() + " (" + c.serviceType() + ")").collect(Collectors.joining(", ")));
            }
            if (!decision.exclusions().isEmpty()) {
                text.append("; excluded: ").append(decision.exclusions().stream()
                        .map(e -> e.serviceId() + " (" + e.reason().name().toLowerCase().replace('_', ' ') + ": "
                                + e.detail() + ")")
                        .collect(Collectors.joining(", ")));
            }
            if (decision.unlistedExclusions() > 0) {
                text.append("; ").append(decision.unlistedExclusions()).append(" more excluded, not listed (")
                        .append(decision.unlistedCounts().entrySet().stream()
                                .map(c -> c.getKey().name().toLowerCase().replace('_', ' ') + ": " + c.getValue())
                                .collect(Collectors.joining(", ")))
                        .append("; the directory has changed since)");
            }
            request.addNote(new Annotation().setText(text.append('.').toString()));
        });
        for (Offer offer : route.offers()) {
            String reason = offer.reason() == null ? ""
                    : " (" + Optional.ofNullable(offer.reason().display()).orElse(offer.reason().code())
                            + (offer.reason().text() == null ? "" : ": " + offer.reason().text()) + ")";
            request.addNote(new Annotation().setTimeElement(dateTime(offer.offeredAt())).setText("Offer " + offer.sequence()
                    + " to " + offer.serviceId() + ": " + offer.status().code() + reason + "; Task/" + offer.id()));
        }
    }

    /**
     * BaRS only knows active, revoked and entered-in-error for a request in flight. Accepted stays active: the
     * request is being fulfilled, the Encounter and the offer's Task say by whom.
     */
    public static ServiceRequestStatus serviceRequestStatus(ReferralStatus status) {
        return switch (status) {
            case ROUTING, OFFERED, ACCEPTED -> ServiceRequestStatus.ACTIVE;
            case COMPLETED -> ServiceRequestStatus.COMPLETED;
            case CANCELLED, SENT_BACK -> ServiceRequestStatus.REVOKED;
        };
    }

    /** Exhaustive on purpose: a new ARP category must be given a priority before the code compiles. */
    public static ServiceRequestPriority priority(ArpCategory category) {
        return switch (category) {
            case C1, HCP1, IFT1 -> ServiceRequestPriority.STAT;
            case C2, HCP2, IFT2 -> ServiceRequestPriority.ASAP;
            case C3, HCP3, IFT3 -> ServiceRequestPriority.URGENT;
            case C4, C4T, C5, HCP4, IFT4 -> ServiceRequestPriority.ROUTINE;
        };
    }

    /**
     * Why the patient is referred: the presenting complaint first, then the triage outcome codes, each in its own
     * CodeableConcept because they are different statements, not translations of one concept. The CAD sends codes
     * without displays, so none are invented here.
     */
    private static List<CodeableConcept> reasonCodes(Incident incident) {
        List<CodeableConcept> reasons = new ArrayList<>();
        Incident.Coding complaint = incident.presentingComplaint();
        if (complaint != null && hasText(complaint.code())) {
            reasons.add(new CodeableConcept()
                    .addCoding(new Coding(complaint.system(), complaint.code(), complaint.display())));
        }
        Incident.Triage triage = incident.triage();
        if (triage != null) {
            addCoded(reasons, Incident.PATHWAYS_SG, triage.symptomGroup());
            addCoded(reasons, Incident.PATHWAYS_SD, triage.symptomDiscriminator());
            addCoded(reasons, Incident.PATHWAYS_DX, triage.dispositionCode());
            addCoded(reasons, Incident.AMPDS, triage.ampdsDeterminant());
        }
        return reasons;
    }

    private static void addCoded(List<CodeableConcept> reasons, String system, String code) {
        if (hasText(code)) {
            reasons.add(new CodeableConcept().addCoding(new Coding().setSystem(system).setCode(code)));
        }
    }

    /**
     * The patient as the CAD described them. An unknown patient is still a Patient, just without an NHS number.
     * The NHS number carries no verification-status extension: the hub knows it passed the modulus-11 check, not
     * whether the CAD traced it on PDS.
     */
    private Patient patient(Referral referral) {
        Patient patient = new Patient();
        identify(patient, ReferralResourceIds.patient(referral.id()), HubIdentifiers.PATIENT_PROFILE, referral);

        Incident.Patient who = referral.incident().patient();
        if (who == null) {
            return patient;
        }
        if (hasText(who.nhsNumber())) {
            patient.addIdentifier().setSystem(HubIdentifiers.NHS_NUMBER).setValue(who.nhsNumber());
        }
        if (hasText(who.givenName()) || hasText(who.familyName())) {
            // 'usual', not 'official': the name is what the caller gave, not the one on the NHS spine.
            HumanName name = patient.addName().setUse(HumanName.NameUse.USUAL);
            if (hasText(who.familyName())) {
                name.setFamily(who.familyName());
            }
            if (hasText(who.givenName())) {
                name.addGiven(who.givenName());
            }
        }
        gender(who.gender()).ifPresent(patient::setGender);
        // With only an estimated age the birth date stays empty rather than made up; the estimate is rendered as
        // an Observation, the way BaRS examples carry it ("Patient Estimated Age").
        if (who.birthDate() != null) {
            patient.setBirthDateElement(new DateType(who.birthDate().toString()));
        }
        if (hasText(who.phone())) {
            patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(who.phone());
        }
        Incident.Address home = who.address();
        if (home != null) {
            Address address = patient.addAddress().setUse(Address.AddressUse.HOME);
            if (home.lines() != null) {
                home.lines().forEach(address::addLine);
            }
            address.setCity(home.city());
            address.setPostalCode(home.postcode());
        }
        return patient;
    }

    private static Optional<AdministrativeGender> gender(String gender) {
        if (gender == null) {
            return Optional.empty();
        }
        return switch (gender.toLowerCase(Locale.ROOT)) {
            case "male" -> Optional.of(AdministrativeGender.MALE);
            case "female" -> Optional.of(AdministrativeGender.FEMALE);
            case "other" -> Optional.of(AdministrativeGender.OTHER);
            case "unknown" -> Optional.of(AdministrativeGender.UNKNOWN);
            default -> Optional.empty();
        };
    }

    /**
     * The urgent-care encounter that began with the 999 call, identified by the CAD's incident id. Its status
     * follows BaRS application 4: 'triaged' while the hub looks for a service (the requester's encounter is
     * triaged, not closed), 'in-progress' once a service accepts (the interim response), 'cancelled' when the case
     * goes back to the ambulance service or the CAD withdraws it (the BaRS rejection, and the care asked for
     * never began), and 'finished' when the service completes its care.
     */
    private Encounter encounter(Referral referral, Patient patient, Location location) {
        Encounter encounter = new Encounter();
        identify(encounter, ReferralResourceIds.encounter(referral.id()), HubIdentifiers.ENCOUNTER_PROFILE,
                referral);
        encounter.addIdentifier()
                .setSystem(HubIdentifiers.cadIncidentId(referral.cadSystem()))
                .setValue(referral.incidentId());
        encounter.setStatus(encounterStatus(referral.status()));
        encounter.setClass_(new Coding(V3_ACT_CODE, "EMER", "emergency"));
        encounter.setSubject(reference(patient));
        encounter.setPeriod(new Period().setStartElement(dateTime(referral.incident().receivedAt())));
        encounter.addLocation().setLocation(reference(location));
        return encounter;
    }

    static Encounter.EncounterStatus encounterStatus(ReferralStatus status) {
        return switch (status) {
            case ROUTING, OFFERED -> Encounter.EncounterStatus.TRIAGED;
            case ACCEPTED -> Encounter.EncounterStatus.INPROGRESS;
            case COMPLETED -> Encounter.EncounterStatus.FINISHED;
            case SENT_BACK, CANCELLED -> Encounter.EncounterStatus.CANCELLED;
        };
    }

    /** Where the patient is now (BaRS incident location), which may not be their home address. */
    private Location location(Referral referral) {
        Location location = new Location();
        identify(location, ReferralResourceIds.location(referral.id()), HubIdentifiers.LOCATION_PROFILE, referral);
        location.setMode(Location.LocationMode.INSTANCE);
        location.addType(new CodeableConcept().addCoding(new Coding(LOCATION_TYPE, "ILOC", "Incident Location")));

        Incident.IncidentLocation where = referral.incident().location();
        if (where == null) {
            return location;
        }
        if (hasText(where.description())) {
            location.setDescription(where.description());
        }
        if (hasText(where.postcode())) {
            location.setAddress(new Address().setPostalCode(where.postcode()));
        }
        // FHIR needs both coordinates (WGS84) or neither. Note that some BaRS examples swap the two.
        if (where.latitude() != null && where.longitude() != null) {
            location.setPosition(new Location.LocationPositionComponent()
                    .setLatitude(where.latitude())
                    .setLongitude(where.longitude()));
        }
        return location;
    }

    /**
     * Scene safety as BaRS carries it: a Flag about the incident location, not the patient. No Flag when the CAD
     * did not say whether the scene is safe.
     */
    private Optional<Flag> sceneSafetyFlag(Referral referral, Location location, Encounter encounter) {
        Incident.Clinical clinical = referral.incident().clinical();
        if (clinical == null || clinical.sceneSafe() == null) {
            return Optional.empty();
        }
        Flag flag = new Flag();
        identify(flag, ReferralResourceIds.sceneSafetyFlag(referral.id()), HubIdentifiers.FLAG_PROFILE, referral);
        flag.setStatus(Flag.FlagStatus.ACTIVE);
        flag.addCategory(new CodeableConcept().addCoding(new Coding(FLAG_CATEGORY, "SS", "Scene Safety")));
        flag.setCode(new CodeableConcept().addCoding(clinical.sceneSafe()
                ? new Coding(SCENE_SAFETY, "S", "The Scene is safe")
                : new Coding(SCENE_SAFETY, "U", "The Scene is unsafe")));
        flag.setSubject(reference(location));
        flag.setEncounter(reference(encounter));
        flag.setPeriod(new Period().setStartElement(dateTime(referral.incident().receivedAt())));
        return Optional.of(flag);
    }

    private List<Observation> observations(Referral referral, Patient patient, Encounter encounter) {
        UUID id = referral.id();
        Incident incident = referral.incident();
        List<Observation> observations = new ArrayList<>();

        Incident.Clinical clinical = incident.clinical();
        if (clinical != null && clinical.news2() != null) {
            // Coded and valued as UK Core's early warning score total: category survey, UCUM {ScoreOf}.
            observations.add(score(referral, ReferralResourceIds.news2Observation(id),
                    new Coding(SNOMED, NEWS2_CODE,
                            "Royal College of Physicians NEWS2 (National Early Warning Score 2) total score"),
                    clinical.news2(), patient, encounter));
        }
        if (clinical != null && clinical.clinicalFrailtyScale() != null) {
            observations.add(score(referral, ReferralResourceIds.frailtyObservation(id),
                    new Coding(SNOMED, FRAILTY_CODE,
                            "Canadian Study of Health and Aging Clinical Frailty Scale score"),
                    clinical.clinicalFrailtyScale(), patient, encounter));
        }

        Incident.Patient who = incident.patient();
        if (who != null && who.birthDate() == null && who.estimatedAge() != null) {
            Observation age = observation(referral, ReferralResourceIds.estimatedAgeObservation(id), patient,
                    encounter);
            age.setCode(new CodeableConcept().setText("Patient Estimated Age"));
            age.setValue(new Quantity().setValue(who.estimatedAge()).setUnit("years").setSystem(UCUM).setCode("a"));
            observations.add(age);
        }

        if (clinical != null && clinical.observations() != null) {
            List<Incident.Observation> free = clinical.observations();
            for (int index = 0; index < free.size(); index++) {
                observations.add(incidentObservation(referral, index, free.get(index), patient, encounter));
            }
        }
        return observations;
    }

    private Observation score(Referral referral, String id, Coding code, int value, Patient patient,
            Encounter encounter) {
        Observation observation = observation(referral, id, patient, encounter);
        observation.addCategory(observationCategory("survey", "Survey"));
        observation.setCode(new CodeableConcept().addCoding(code));
        observation.setValue(new Quantity().setValue(value).setUnit("ScoreOf").setSystem(UCUM).setCode("{ScoreOf}"));
        return observation;
    }

    /**
     * A crew or call-handler observation exactly as the CAD sent it: its code is the CAD's own word, so it is code
     * text rather than a coding, and its unit is display text with no UCUM system, because the CAD's units are not
     * guaranteed to be UCUM.
     */
    private Observation incidentObservation(Referral referral, int index, Incident.Observation source,
            Patient patient, Encounter encounter) {
        Observation observation = observation(referral,
                ReferralResourceIds.incidentObservation(referral.id(), index), patient, encounter);
        observation.addCategory(observationCategory("vital-signs", "Vital Signs"));
        observation.setCode(new CodeableConcept().setText(source.code()));
        if (source.value() != null) {
            Quantity quantity = new Quantity().setValue(source.value());
            if (hasText(source.unit())) {
                quantity.setUnit(source.unit());
            }
            observation.setValue(quantity);
        }
        if (source.takenAt() != null) {
            observation.setEffective(dateTime(source.takenAt()));
        }
        return observation;
    }

    /**
     * The parts every observation shares. The scores and the estimated age come without a time of their own, so
     * their effective time is what the hub knows for certain: a period from the 999 call to when the hub had them
     * ('issued'), so a reader can tell NEWS2 was scored in this incident and by when; an observation the CAD timed
     * replaces it with its own time.
     */
    private Observation observation(Referral referral, String id, Patient patient, Encounter encounter) {
        Observation observation = new Observation();
        identify(observation, id, HubIdentifiers.OBSERVATION_PROFILE, referral);
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.setSubject(reference(patient));
        observation.setEncounter(reference(encounter));
        observation.setEffective(new Period().setStartElement(dateTime(referral.incident().receivedAt()))
                .setEndElement(dateTime(latest(referral.incident().receivedAt(), referral.updatedAt()))));
        observation.setIssuedElement(instant(referral.updatedAt()));
        return observation;
    }

    private static CodeableConcept observationCategory(String code, String display) {
        return new CodeableConcept().addCoding(new Coding(OBSERVATION_CATEGORY, code, display));
    }

    /** Id and meta shared by every rendered resource: one version of the referral is one version of each. */
    private static void identify(Resource resource, String id, String profile, Referral referral) {
        resource.setId(new IdType(resource.fhirType(), id));
        resource.getMeta()
                .setVersionId(Integer.toString(referral.version()))
                .setLastUpdatedElement(instant(referral.updatedAt()))
                .addProfile(profile);
    }

    private static Reference reference(Resource target) {
        return new Reference(target.fhirType() + "/" + target.getIdElement().getIdPart());
    }

    /** Times in UTC, so the same referral always renders the same text whatever the host's time zone. */
    private static DateTimeType dateTime(Instant instant) {
        return new DateTimeType(Date.from(instant), TemporalPrecisionEnum.SECOND, UTC);
    }

    private static InstantType instant(Instant instant) {
        return new InstantType(Date.from(instant), TemporalPrecisionEnum.MILLI, UTC);
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}

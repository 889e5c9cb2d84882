package org.rightcare.hub.bars;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PositiveIntType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.fhir.HubIdentifiers;
import org.rightcare.hub.fhir.Narratives;
import org.rightcare.hub.fhir.ReferralRenderer;
import org.rightcare.hub.fhirrest.FhirRestTransaction;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.referral.Referral;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.util.FhirTerser;

/**
 * The BaRS messages the hub sends a community service about an offer, as application 4 (999 to community services)
 * describes them: the validation request that makes the offer, and its cancellation when the offer is revoked.
 *
 * <p>
 * The clinical resources are the ones {@link ReferralRenderer} renders for the hub's FHIR API, claiming the BaRS
 * and UK Core profiles instead of the hub's own, with what BaRS puts elsewhere moved there: the triage outcome and
 * the ARP category on a CarePlan the ServiceRequest is based on (BaRS keeps ServiceRequest.reasonCode for the reason
 * of a cancellation, and allows one category), the performing HealthcareService, and the sending and receiving
 * Organizations the MessageHeader names. Entries have {@code urn:uuid} full URLs derived from the hub's ids and no
 * resource ids, which BaRS leaves to the receiver; the Bundle id is the message id, the same on every retry, and its
 * {@code meta.versionId} the BaRS message version ({@link BarsMessaging#MESSAGE_VERSION}).
 */
@ApplicationScoped
public class BarsRequestMessages {

    private static final String HUB_ORGANIZATION_ID = "rightcare-hub";

    private final ReferralRenderer renderer;
    private final FhirContext fhir;
    private final BarsConfig config;

    public BarsRequestMessages(ReferralRenderer renderer, FhirContext fhir, BarsConfig config) {
        this.renderer = renderer;
        this.fhir = fhir;
        this.config = config;
    }

    /** Whether the hub is configured to send BaRS messages at all: it must have a DoS id for answers to reach it. */
    public boolean canSend() {
        return config.dosServiceId().isPresent();
    }

    /** The validation request that offers the referral to the service: a new message, ServiceRequest active. */
    public Bundle validationRequest(Referral referral, Offer offer, CommunityService service) {
        return message(referral, offer, service, false);
    }

    /**
     * The cancellation of that validation request, for an offer the hub revoked: an update whose focus is the same
     * ServiceRequest, now revoked with the reason as text, and only the resources it must carry with it.
     */
    public Bundle cancellation(Referral referral, Offer offer, CommunityService service) {
        return message(referral, offer, service, true);
    }

    /** The message id of an offer's cancellation: derived from the offer, so it is the same however often it is sent. */
    public static UUID cancellationId(UUID offerId) {
        return UUID.nameUUIDFromBytes(("bars-cancellation " + offerId).getBytes(StandardCharsets.UTF_8));
    }

    public String json(Bundle message) {
        return fhir.newJsonParser().encodeResourceToString(message);
    }

    private Bundle message(Referral referral, Offer offer, CommunityService service, boolean cancel) {
        List<Resource> rendered = renderer.render(referral);
        ServiceRequest request = (ServiceRequest) rendered.get(0);
        Patient patient = find(rendered, Patient.class);
        Encounter encounter = find(rendered, Encounter.class);
        Instant sentAt = cancel ? offer.updatedAt() : offer.offeredAt();
        UUID messageId = cancel ? cancellationId(offer.id()) : offer.id();

        Organization sender = sender(referral);
        Organization receiver = receiver(referral, service);
        HealthcareService performer = healthcareService(referral, service, receiver);
        CarePlan triage = triageOutcome(referral, request, patient, encounter);

        request.getMeta().setProfile(new ArrayList<>()).addProfile(BarsMessaging.SERVICE_REQUEST_VALIDATION_PROFILE);
        // One category, as the BaRS profile allows: the hub asks each community service to validate the ambulance
        // disposition and take the patient (APP4's validation request) whether or not a crew is on its way.
        request.setCategory(new ArrayList<>());
        request.addCategory()
                .addCoding(new Coding(BarsMessaging.MESSAGE_CATEGORY, BarsMessaging.CATEGORY_VALIDATION,
                        "For Validation"))
                .addCoding(new Coding(BarsMessaging.USE_CASES, BarsMessaging.USE_CASE_COMMUNITY_SERVICES,
                        "999 - Community Services"));
        request.setReasonCode(new ArrayList<>());
        request.setRequester(reference(sender));
        request.setPerformer(new ArrayList<>());
        request.addPerformer(reference(performer));

        // BaRS: the requester's encounter stays 'triaged' until the receiver answers, and carries the journey id.
        // The CAD contract has no journey id, so the hub's referral id (one per incident) is the journey.
        encounter.setStatus(Encounter.EncounterStatus.TRIAGED);
        encounter.setEpisodeOfCare(new ArrayList<>());
        encounter.addEpisodeOfCare(new Reference("EpisodeOfCare/" + referral.id()));
        contactForTheReferral(patient);

        List<Resource> resources = new ArrayList<>();
        resources.add(request);
        if (cancel) {
            request.setStatus(ServiceRequest.ServiceRequestStatus.REVOKED);
            request.addReasonCode().setText("Revoked by the hub: the offer of this patient to " + service.name()
                    + " is withdrawn" + (offer.reason() == null ? "." : " (" + offer.reason().code() + ")."));
            request.getMeta().setLastUpdatedElement(instant(latest(referral.updatedAt(), sentAt)));
            request.setSupportingInfo(new ArrayList<>());
            request.setLocationReference(new ArrayList<>());
            encounter.setLocation(new ArrayList<>());
            resources.addAll(List.of(patient, encounter, performer, receiver, sender));
        } else {
            request.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
            request.addBasedOn(reference(triage));
            resources.addAll(rendered.subList(1, rendered.size()));
            resources.addAll(List.of(triage, performer, receiver, sender));
        }
        rendered.forEach(BarsRequestMessages::claimBarsProfile);
        // Written again: the message changes the statuses and what the resources carry.
        Narratives.generate(resources);

        MessageHeader header = header(messageId, sentAt, cancel, request, sender, receiver, service, referral);
        resources.add(0, header);
        return bundle(messageId, sentAt, resources);
    }

    private MessageHeader header(UUID messageId, Instant sentAt, boolean cancel, ServiceRequest request,
            Organization sender, Organization receiver, CommunityService service, Referral referral) {
        MessageHeader header = new MessageHeader();
        header.setId(new IdType("MessageHeader", messageId.toString()));
        header.getMeta().setLastUpdatedElement(instant(sentAt)).addProfile(BarsMessaging.MESSAGE_HEADER_REQUEST_PROFILE);
        decisionSupport(referral.incident().triage()).ifPresent(header::addExtension);
        header.setEvent(new Coding(BarsMessaging.MESSAGE_EVENTS, BarsMessaging.EVENT_SERVICE_REQUEST_REQUEST, null));
        header.addDestination().setEndpoint(targetOf(service)).setReceiver(reference(receiver));
        header.setSender(reference(sender));
        header.getSource().setName(config.organisationName()).setSoftware("rightcare-hub")
                .setEndpoint(HubIdentifiers.DOS_SERVICE_ID + "|" + config.dosServiceId().orElseThrow(
                        () -> new IllegalStateException("hub.bars.dos-service-id is not set")));
        String reason = cancel ? BarsMessaging.REASON_UPDATE : BarsMessaging.REASON_NEW;
        header.setReason(new CodeableConcept().addCoding(new Coding(BarsMessaging.MESSAGE_REASONS, reason, null)));
        header.addFocus(reference(request));
        header.setDefinition(cancel ? BarsMessaging.CANCELLATION_DEFINITION : BarsMessaging.VALIDATION_REQUEST_DEFINITION);
        return header;
    }

    /**
     * The message Bundle: MessageHeader first, each entry under the full URL derived from its id at the hub, the
     * references between them pointing at those entries, and no resource ids.
     */
    private Bundle bundle(UUID messageId, Instant sentAt, List<Resource> resources) {
        Map<String, String> fullUrls = FhirRestTransaction.fullUrls(resources);
        FhirTerser terser = fhir.newTerser();
        Bundle bundle = new Bundle().setType(Bundle.BundleType.MESSAGE).setTimestampElement(instant(sentAt));
        bundle.setId(messageId.toString());
        bundle.getMeta().setVersionId(BarsMessaging.MESSAGE_VERSION).setLastUpdatedElement(instant(sentAt))
                .addProfile(BarsMessaging.BUNDLE_PROFILE);
        for (Resource resource : resources) {
            String fullUrl = fullUrls.get(FhirRestTransaction.hubId(resource));
            FhirRestTransaction.pointAtEntries(terser, resource, fullUrls);
            resource.setId((String) null);
            resource.getMeta().setVersionId(null);
            bundle.addEntry().setFullUrl(fullUrl).setResource(resource);
        }
        return bundle;
    }

    /** The MessageHeader's destination and the NHSD-Target-Identifier: the service's DoS id, else its ODS code. */
    public static String targetOf(CommunityService service) {
        return service.dosServiceId() != null && !service.dosServiceId().isBlank()
                ? HubIdentifiers.DOS_SERVICE_ID + "|" + service.dosServiceId()
                : HubIdentifiers.ODS_ORGANIZATION_CODE + "|" + service.odsCode();
    }

    private Organization sender(Referral referral) {
        Organization sender = new Organization();
        sender.setId(new IdType("Organization", HUB_ORGANIZATION_ID));
        sender.getMeta().setLastUpdatedElement(instant(referral.updatedAt())).addProfile(BarsMessaging.UK_CORE_ORGANIZATION);
        config.odsCode().ifPresent(ods -> sender.addIdentifier().setSystem(HubIdentifiers.ODS_ORGANIZATION_CODE)
                .setValue(ods));
        return sender.setName(config.organisationName());
    }

    private static Organization receiver(Referral referral, CommunityService service) {
        Organization receiver = new Organization();
        receiver.setId(new IdType("Organization", "ods-" + service.odsCode()));
        receiver.getMeta().setLastUpdatedElement(instant(referral.updatedAt()))
                .addProfile(BarsMessaging.UK_CORE_ORGANIZATION);
        receiver.addIdentifier().setSystem(HubIdentifiers.ODS_ORGANIZATION_CODE).setValue(service.odsCode());
        return receiver.setName(service.organisationName());
    }

    private static HealthcareService healthcareService(Referral referral, CommunityService service,
            Organization receiver) {
        HealthcareService performer = new HealthcareService();
        performer.setId(new IdType("HealthcareService", service.id()));
        performer.getMeta().setLastUpdatedElement(instant(referral.updatedAt()))
                .addProfile(BarsMessaging.UK_CORE_HEALTHCARE_SERVICE);
        if (service.dosServiceId() != null && !service.dosServiceId().isBlank()) {
            performer.addIdentifier().setSystem(HubIdentifiers.DOS_SERVICE_ID).setValue(service.dosServiceId());
        }
        return performer.setActive(service.active()).setProvidedBy(reference(receiver)).setName(service.name());
    }

    /**
     * Where BaRS carries the triage outcome: activity outcomes of the CarePlan the request is based on, one per
     * code as the CAD sent it (presenting complaint, Pathways or AMPDS codes), and the ARP category.
     */
    private static CarePlan triageOutcome(Referral referral, ServiceRequest request, Patient patient,
            Encounter encounter) {
        CarePlan plan = new CarePlan();
        plan.setId(new IdType("CarePlan", referral.id().toString()));
        plan.getMeta().setLastUpdatedElement(instant(referral.updatedAt())).addProfile(BarsMessaging.UK_CORE_CARE_PLAN);
        plan.setStatus(CarePlan.CarePlanStatus.ACTIVE).setIntent(CarePlan.CarePlanIntent.PLAN);
        plan.setSubject(reference(patient)).setEncounter(reference(encounter));
        plan.getPeriod().setStartElement(encounter.getPeriod().getStartElement());
        CarePlan.CarePlanActivityComponent activity = plan.addActivity();
        request.getReasonCode().forEach(activity::addOutcomeCodeableConcept);
        ArpCategory category = referral.incident().category();
        activity.addOutcomeCodeableConcept().addCoding(new Coding(ArpCategory.SYSTEM, category.code(),
                category.display()));
        return plan;
    }

    /** BaRS asks for at least one contact, ranked: the patient themself on the number the CAD has for them. */
    private static void contactForTheReferral(Patient patient) {
        patient.getTelecom().stream().filter(t -> t.getSystem() == ContactPoint.ContactPointSystem.PHONE).findFirst()
                .ifPresent(phone -> {
                    Patient.ContactComponent contact = patient.addContact();
                    contact.addExtension(BarsMessaging.UK_CORE_CONTACT_RANK, new PositiveIntType(1));
                    contact.addRelationship().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                            "ONESELF", "self"));
                    contact.addTelecom(phone.copy().setRank(1));
                });
    }

    /** The decision support system the ambulance service triaged with, when the CAD says which. */
    private static Optional<Extension> decisionSupport(Incident.Triage triage) {
        if (triage == null) {
            return Optional.empty();
        }
        String software = triage.ampdsDeterminant() != null ? "AMPDS"
                : triage.dispositionCode() != null || triage.symptomGroup() != null ? "NHS Pathways" : null;
        if (software == null) {
            return Optional.empty();
        }
        Extension cdss = new Extension(BarsMessaging.CDSS_EXTENSION);
        cdss.addExtension("RequesterCDSSsoftware", new StringType(software));
        return Optional.of(cdss);
    }

    /** The BaRS or UK Core profile in place of the hub's own, which receivers do not know. */
    private static void claimBarsProfile(Resource resource) {
        String profile = switch (resource.fhirType()) {
            case "Patient" -> BarsMessaging.UK_CORE_PATIENT;
            case "Encounter" -> BarsMessaging.UK_CORE_ENCOUNTER;
            case "Location" -> BarsMessaging.UK_CORE_LOCATION;
            case "Flag" -> BarsMessaging.FLAG_SCENE_SAFETY_PROFILE;
            case "Observation" -> BarsMessaging.UK_CORE_OBSERVATION;
            default -> null;
        };
        if (profile != null) {
            resource.getMeta().setProfile(new ArrayList<>()).addProfile(profile);
        }
    }

    private static <T extends Resource> T find(List<Resource> resources, Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    private static Reference reference(Resource target) {
        return new Reference(FhirRestTransaction.hubId(target));
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static InstantType instant(Instant instant) {
        return new InstantType(Date.from(instant), TemporalPrecisionEnum.MILLI, TimeZone.getTimeZone("UTC"));
    }
}

package org.rightcare.hub.fhirrest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.fhir.HubIdentifiers;
import org.rightcare.hub.fhir.Narratives;
import org.rightcare.hub.fhir.ReferralRenderer;
import org.rightcare.hub.fhir.TaskRenderer;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferStatus;
import org.rightcare.hub.referral.Referral;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;

/**
 * An offer as a FHIR transaction for a provider's own FHIR server: the ServiceRequest and what it references
 * (Patient, Encounter, Location, Observations, scene-safety Flag) and the offer's Task, each as a conditional create
 * on the hub's id of the resource (an identifier {@link HubIdentifiers#HUB_RESOURCE_ID}, or on the Patient a tag,
 * {@link #markWithHubId}), so a retry, or a second offer of the same referral to a service on the same server, never
 * writes a resource twice.
 *
 * <p>
 * The resources get the server's own ids: each entry has a {@code urn:uuid} full URL, derived from the hub's id so
 * the same bytes are sent on every retry, and references between them use it, as FHIR transactions resolve them.
 *
 * <p>
 * A revocation is the same transaction with the Task {@code cancelled} and written by a conditional update on its
 * hub id instead of a conditional create, so it changes the provider's copy of the Task whether that copy arrived
 * before it or not (and is safe to send again); the other entries, conditional creates, give the Task's references
 * something to resolve to on a server that never stored the offer.
 */
@ApplicationScoped
public class FhirRestTransaction {

    public static final String CONTENT_TYPE = "application/fhir+json";

    private final ReferralRenderer referralRenderer;
    private final TaskRenderer taskRenderer;
    private final FhirContext fhir;

    public FhirRestTransaction(ReferralRenderer referralRenderer, TaskRenderer taskRenderer, FhirContext fhir) {
        this.referralRenderer = referralRenderer;
        this.taskRenderer = taskRenderer;
        this.fhir = fhir;
    }

    public Bundle render(Referral referral, Offer offer, CommunityService service) {
        List<Resource> resources = new ArrayList<>(referralRenderer.render(referral));
        resources.add(taskRenderer.render(offer, service));
        Map<String, String> fullUrls = fullUrls(resources);
        FhirTerser terser = fhir.newTerser();
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        transaction.setId(offer.id().toString());
        for (Resource resource : resources) {
            String hubId = hubId(resource);
            pointAtEntries(terser, resource, fullUrls);
            resource.setId((String) null);
            transaction.addEntry().setFullUrl(fullUrls.get(hubId)).setResource(resource).getRequest()
                    .setMethod(Bundle.HTTPVerb.POST)
                    .setUrl(resource.fhirType())
                    .setIfNoneExist(markWithHubId(terser, resource, hubId));
        }
        return transaction;
    }

    /**
     * Marks the copy with its id at the hub, and answers the search that finds it again: an identifier
     * ({@link HubIdentifiers#HUB_RESOURCE_ID}) on every resource but the Patient, whose profile allows NHS numbers
     * only (UK Core and the hub's own), so it carries the hub id as a tag ({@link HubIdentifiers#HUB_RESOURCE_TAG})
     * and an unknown patient's copy has no identifier at all.
     */
    static String markWithHubId(FhirTerser terser, Resource resource, String hubId) {
        if (resource instanceof Patient) {
            resource.getMeta().addTag(HubIdentifiers.HUB_RESOURCE_TAG, hubId, null);
            return "_tag=" + HubIdentifiers.HUB_RESOURCE_TAG + "|" + hubId;
        }
        Identifier identifier = (Identifier) terser.addElement(resource, "identifier");
        identifier.setSystem(HubIdentifiers.HUB_RESOURCE_ID).setValue(hubId);
        return "identifier=" + HubIdentifiers.HUB_RESOURCE_ID + "|" + hubId;
    }

    public String renderJson(Referral referral, Offer offer, CommunityService service) {
        return fhir.newJsonParser().encodeResourceToString(render(referral, offer, service));
    }

    /**
     * The provider's copy of a closed offer's Task brought up to date by a conditional update: {@code rejected} with
     * the provider's reason when the provider declined (through whichever channel), else {@code cancelled} with the
     * hub's reason as its statusReason (a timed-out offer, {@code failed} in the hub's own API, is cancelled as far as
     * the provider is concerned: the hub no longer asks it to act).
     */
    public Bundle renderRevocation(Referral referral, Offer closed, CommunityService service, UUID revocationId) {
        Bundle transaction = render(referral, closed, service);
        transaction.setId(revocationId.toString());
        for (Bundle.BundleEntryComponent entry : transaction.getEntry()) {
            if (entry.getResource() instanceof Task task) {
                task.setStatus(closed.status() == OfferStatus.REJECTED ? Task.TaskStatus.REJECTED
                        : Task.TaskStatus.CANCELLED);
                Narratives.generate(task);
                entry.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Task?" + entry.getRequest().getIfNoneExist())
                        .setIfNoneExist(null);
            }
        }
        return transaction;
    }

    public String renderRevocationJson(Referral referral, Offer closed, CommunityService service, UUID revocationId) {
        return fhir.newJsonParser().encodeResourceToString(renderRevocation(referral, closed, service, revocationId));
    }

    /** A resource's id at the hub, {@code Type/id}, which references between rendered resources use. */
    public static String hubId(Resource resource) {
        return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
    }

    /**
     * Each resource's entry full URL in a Bundle the hub sends, by its id at the hub: a {@code urn:uuid} derived from
     * that id, so every retry sends the same bytes and the receiver sees the same resource as the same entry.
     */
    public static Map<String, String> fullUrls(List<? extends Resource> resources) {
        Map<String, String> fullUrls = new HashMap<>();
        for (Resource resource : resources) {
            String hubId = hubId(resource);
            fullUrls.put(hubId, "urn:uuid:" + UUID.nameUUIDFromBytes(("rightcare-hub " + hubId)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return fullUrls;
    }

    /** Turns the resource's references to other resources of the Bundle into references to their entries. */
    public static void pointAtEntries(FhirTerser terser, Resource resource, Map<String, String> fullUrls) {
        for (Reference reference : terser.getAllPopulatedChildElementsOfType(resource, Reference.class)) {
            String target = fullUrls.get(reference.getReference());
            if (target != null) {
                reference.setReference(target);
            }
        }
    }
}

package org.rightcare.hub.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.UUID;

import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.Capacity;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.DirectoryFileLoader;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferStatus;

/** An offer as a Task names the service it went to in the same terms as the directory's HealthcareService. */
class TaskRendererTest {

    private static final CommunityService FALLS = DirectoryFileLoader.load("classpath:directory/demo-directory.yaml")
            .services().stream().filter(s -> s.id().equals("falls-weald")).findFirst().orElseThrow();

    @Test
    void namesTheServiceTypeAsTheHealthcareServiceDoes() {
        Instant offeredAt = Instant.parse("2026-11-22T17:37:33Z");
        Offer offer = new Offer(UUID.randomUUID(), UUID.randomUUID(), 1, FALLS.id(), FALLS.odsCode(),
                OfferStatus.REQUESTED, null, offeredAt, offeredAt.plusSeconds(600), null, offeredAt, 1);

        Task task = new TaskRenderer().render(offer, FALLS);
        HealthcareService service = new DirectoryRenderer().healthcareService(FALLS, Capacity.unknown());

        Coding performerType = task.getPerformerTypeFirstRep().getCodingFirstRep();
        assertTrue(performerType.equalsDeep(service.getTypeFirstRep().getCodingFirstRep()),
                "Task.performerType " + performerType.getSystem() + "|" + performerType.getCode()
                        + " is HealthcareService.type");
        assertEquals("HealthcareService/" + FALLS.id(),
                ((Reference) task.getInputFirstRep().getValue()).getReference());
    }
}

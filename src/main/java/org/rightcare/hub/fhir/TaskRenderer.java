package org.rightcare.hub.fhir;

import java.util.Date;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.offers.Offer;

/**
 * An offer as a FHIR Task (FHIR workflow: one Task per offer of the ServiceRequest to a service): focus is the
 * ServiceRequest, owner the service's organisation, restriction.period.end the acceptance deadline, statusReason the
 * NHS rejection code or the hub's reason.
 */
@ApplicationScoped
public class TaskRenderer {

    public static final String TASK_CODE_SYSTEM = "http://hl7.org/fhir/CodeSystem/task-code";

    /** @param service the service offered the case, if it is still in the directory */
    public Task render(Offer offer, CommunityService service) {
        Task task = new Task();
        task.setId(offer.id().toString());
        task.getMeta().setVersionId(String.valueOf(offer.version())).setLastUpdated(Date.from(offer.updatedAt()));
        task.addIdentifier().setSystem(HubIdentifiers.REFERRAL_ID).setValue(offer.referralId().toString());
        task.setStatus(Task.TaskStatus.fromCode(offer.status().code()));
        if (offer.reason() != null) {
            task.setStatusReason(new CodeableConcept(new Coding(offer.reason().system(), offer.reason().code(),
                    offer.reason().display())).setText(offer.reason().text()));
        }
        task.setIntent(Task.TaskIntent.ORDER);
        task.setCode(new CodeableConcept(new Coding(TASK_CODE_SYSTEM, "fulfill", "Fulfill the focal request")));
        task.setFocus(new Reference("ServiceRequest/" + offer.referralId()));
        task.setFor(new Reference("Patient/" + offer.referralId()));
        task.setEncounter(new Reference("Encounter/" + offer.referralId()));
        task.setAuthoredOn(Date.from(offer.offeredAt()));
        task.setLastModified(Date.from(offer.updatedAt()));
        Reference owner = new Reference()
                .setIdentifier(new Identifier().setSystem(HubIdentifiers.ODS_ORGANIZATION_CODE).setValue(offer.odsCode()));
        if (service != null) {
            owner.setDisplay(service.organisationName());
            task.addPerformerType(new CodeableConcept(new Coding(ServiceType.SYSTEM, service.type().code(),
                    service.type().display())).setText(service.name()));
            task.addInput().setType(new CodeableConcept().setText("healthcare-service"))
                    .setValue(new Reference("HealthcareService/" + service.id()).setDisplay(service.name()));
        }
        task.setOwner(owner);
        task.getRestriction().setPeriod(new Period().setEnd(Date.from(offer.deadlineAt())));
        Narratives.generate(task);
        return task;
    }
}

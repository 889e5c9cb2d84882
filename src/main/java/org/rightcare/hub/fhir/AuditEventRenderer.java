package org.rightcare.hub.fhir;

import java.util.Date;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.rightcare.hub.audit.AuditEntry;
import org.rightcare.hub.audit.AuditRecord;

/**
 * An audit record as a FHIR R4 AuditEvent: a FHIR API call is type {@code rest} with the interaction as subtype;
 * anything else the hub audits (directory changes, capacity, claims from the board) is typed by the hub's own action
 * code. The agent is the token's subject ({@code altId}, what {@code altid} searches) acting for its organisation's
 * ODS code.
 */
@ApplicationScoped
public class AuditEventRenderer {

    static final String ACTION_SYSTEM = "https://fhir.rightcare-hub.org/CodeSystem/audit-action";
    private static final String EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    private static final String INTERACTION = "http://hl7.org/fhir/restful-interaction";

    public AuditEvent render(AuditEntry entry) {
        AuditRecord record = entry.record();
        AuditEvent event = new AuditEvent();
        event.setId(entry.id().toString());
        event.getMeta().setLastUpdated(Date.from(entry.at()));
        FhirInteraction interaction = FhirInteraction.ofAuditAction(record.action()).orElse(null);
        if (interaction != null) {
            event.setType(new Coding(EVENT_TYPE, "rest", "RESTful Operation"));
            event.addSubtype(new Coding(INTERACTION, interaction.code(), null));
        } else {
            event.setType(new Coding(ACTION_SYSTEM, record.action(), null));
        }
        event.setAction(action(record.action(), interaction));
        event.setRecorded(Date.from(entry.at()));
        event.setOutcome(outcome(record.outcome()));
        event.setOutcomeDesc(record.outcome());

        AuditEvent.AuditEventAgentComponent agent = event.addAgent().setRequestor(true).setAltId(record.actor());
        Reference who = new Reference().setDisplay(record.actor());
        if (record.actorOrganisation() != null) {
            who.setIdentifier(new Identifier().setSystem(HubIdentifiers.ODS_ORGANIZATION_CODE)
                    .setValue(record.actorOrganisation()));
        }
        agent.setWho(who);

        event.getSource().setObserver(new Reference().setDisplay("rightcare-hub"))
                .addType(new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4",
                        "Application Server"));

        AuditEvent.AuditEventEntityComponent entity = event.addEntity();
        if (record.entityId() != null) {
            entity.setWhat(new Reference(record.entityType() + "/" + record.entityId()));
        } else {
            entity.setWhat(new Reference().setDisplay(record.entityType()));
        }
        entity.addDetail().setType("detail").setValue(new org.hl7.fhir.r4.model.StringType(record.detail().encode()));
        return event;
    }

    private static AuditEventAction action(String action, FhirInteraction interaction) {
        if (interaction == null) {
            return action.endsWith(".delete") ? AuditEventAction.D : AuditEventAction.E;
        }
        return switch (interaction) {
            case READ, SEARCH -> AuditEventAction.R;
            case CREATE -> AuditEventAction.C;
            case UPDATE, PATCH -> AuditEventAction.U;
            case OPERATION -> AuditEventAction.E;
        };
    }

    /**
     * 0 for success; 4 (minor failure) for everything the hub refused or could not find, which it answered and
     * which changed nothing. The hub's own outcome is in outcomeDesc.
     */
    static AuditEventOutcome outcome(String outcome) {
        return AuditRecord.SUCCESS.equals(outcome) ? AuditEventOutcome._0 : AuditEventOutcome._4;
    }
}

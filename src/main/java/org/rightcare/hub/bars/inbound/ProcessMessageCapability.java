package org.rightcare.hub.bars.inbound;

import java.net.URI;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementMessagingComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.EventCapabilityMode;
import org.hl7.fhir.r4.model.Coding;
import org.rightcare.hub.bars.BarsMessaging;
import org.rightcare.hub.fhirapi.CapabilityContributor;
import org.rightcare.hub.support.PublicUrls;

/**
 * What the CapabilityStatement says of BaRS messaging: the {@code $process-message} operation
 * ({@link ProcessMessageResource}) and the messages the hub receives there, the responses to its validation requests.
 */
@ApplicationScoped
public class ProcessMessageCapability implements CapabilityContributor {

    @Override
    public void contribute(CapabilityStatement statement, CapabilityStatementRestComponent rest, URI fhirBase) {
        rest.addOperation().setName(ProcessMessageResource.NAME).setDefinition(ProcessMessageResource.DEFINITION)
                .setDocumentation("BaRS application 4: a provider's interim validation response (responder's "
                        + "Encounter in-progress = accepted; cancelled with a rejected-reasons-bars or "
                        + "dos-rejected-reasons-bars reason = rejected) or final validation response (outcome, "
                        + "CarePlan = completed) to the hub's validation request. Needs X-Request-Id, "
                        + "X-Correlation-Id and NHSD-Target-Identifier; 200 with the message as the acknowledgement, "
                        + "the same for the same Bundle.id again; errors are OperationOutcomes with BaRS REC_* codes.");
        CapabilityStatementMessagingComponent messaging = statement.addMessaging();
        messaging.addEndpoint().setAddress(PublicUrls.withoutTrailingSlash(fhirBase) + "/$process-message")
                .setProtocol(new Coding("http://terminology.hl7.org/CodeSystem/message-transport", "http", "HTTP"));
        messaging.setDocumentation("The hub receives the BaRS validation responses it asked for; it sends validation "
                + "requests to providers' own $process-message.");
        for (String definition : List.of(BarsMessaging.INTERIM_RESPONSE_DEFINITION,
                BarsMessaging.FULL_RESPONSE_DEFINITION)) {
            messaging.addSupportedMessage().setMode(EventCapabilityMode.RECEIVER).setDefinition(definition);
        }
    }
}

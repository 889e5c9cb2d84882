package org.rightcare.hub.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

import ca.uhn.fhir.context.FhirContext;

/**
 * The demo providers' FHIR server answers a transaction as a FHIR server does and a BaRS message as a BaRS receiver
 * does, and exists only in the demo.
 */
class DemoProviderFhirResourceTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void answersATransactionWithAResponseEntryForEachEntry() {
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        transaction.addEntry().setResource(new Patient()).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient")
                .setIfNoneExist("identifier=https://fhir.rightcare-hub.org/Id/resource-id|Patient/1");
        transaction.addEntry().setResource(new Task().setStatus(Task.TaskStatus.CANCELLED)).getRequest()
                .setMethod(Bundle.HTTPVerb.PUT).setUrl("Task?identifier=https://fhir.rightcare-hub.org/Id/resource-id|Task/1");

        Response answer = new DemoProviderFhirResource(FHIR, true).transaction("XWC", "application/fhir+json",
                FHIR.newJsonParser().encodeResourceToString(transaction));

        assertEquals(200, answer.getStatus());
        Bundle response = FHIR.newJsonParser().parseResource(Bundle.class, (String) answer.getEntity());
        assertEquals(Bundle.BundleType.TRANSACTIONRESPONSE, response.getType());
        assertEquals(2, response.getEntry().size());
    }

    @Test
    void refusesWhatIsNotATransaction() {
        Response answer = new DemoProviderFhirResource(FHIR, true).transaction("XWC", "application/fhir+json",
                FHIR.newJsonParser().encodeResourceToString(new Bundle().setType(Bundle.BundleType.COLLECTION)));

        assertEquals(400, answer.getStatus());
        FHIR.newJsonParser().parseResource(OperationOutcome.class, (String) answer.getEntity());
    }

    @Test
    void acknowledgesABarsMessageWithTheMessageAsABarsReceiverDoes() {
        Bundle message = new Bundle().setType(Bundle.BundleType.MESSAGE);
        message.setId("9b4e3c52-5d1f-4a4e-9d55-0f6f7c1d2a11");
        message.addEntry().setResource(new MessageHeader()
                .setDefinition("https://fhir.nhs.uk/MessageDefinition/bars-message-servicerequest-request-validation"));

        Response answer = new DemoProviderFhirResource(FHIR, true).processMessage("XWC", "application/fhir+json",
                FHIR.newJsonParser().encodeResourceToString(message));

        assertEquals(200, answer.getStatus());
        Bundle acknowledged = FHIR.newJsonParser().parseResource(Bundle.class, (String) answer.getEntity());
        assertEquals(Bundle.BundleType.MESSAGE, acknowledged.getType());
        assertEquals(message.getIdElement().getIdPart(), acknowledged.getIdElement().getIdPart());
    }

    @Test
    void refusesAsABarsMessageWhatIsNoMessageOrLacksItsHeader() {
        DemoProviderFhirResource provider = new DemoProviderFhirResource(FHIR, true);
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Bundle headless = new Bundle().setType(Bundle.BundleType.MESSAGE);
        headless.addEntry().setResource(new Patient());

        for (Bundle refused : new Bundle[] { transaction, headless }) {
            Response answer = provider.processMessage("XWC", "application/fhir+json",
                    FHIR.newJsonParser().encodeResourceToString(refused));
            assertEquals(400, answer.getStatus());
            FHIR.newJsonParser().parseResource(OperationOutcome.class, (String) answer.getEntity());
        }
    }

    @Test
    void isNoEndpointOutsideTheDemoProfile() {
        assertThrows(NotFoundException.class, () -> new DemoProviderFhirResource(FHIR, false)
                .transaction("XWC", "application/fhir+json", "{}"));
        assertThrows(NotFoundException.class, () -> new DemoProviderFhirResource(FHIR, false)
                .processMessage("XWC", "application/fhir+json", "{}"));
    }
}

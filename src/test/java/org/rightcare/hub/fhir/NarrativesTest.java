package org.rightcare.hub.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;

/**
 * The narrative exactly as a provider's system receives it: the XHTML below is what the hub sent when it still wrote
 * the markup as a string for HAPI to parse, so building the node tree directly changed no byte. Text from a CAD or a
 * provider stays text, however much it looks like markup.
 */
class NarrativesTest {

    private static final IParser JSON = FhirContext.forR4Cached().newJsonParser();

    @Test
    void anOfferReadsAsAHeadingAndATableOfWhatAClinicianReadsFirst() {
        Task task = offer();

        Narratives.generate(task);

        assertEquals(Narrative.NarrativeStatus.GENERATED, task.getText().getStatus());
        assertEquals("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p><b>Offer (requested)</b></p><table>"
                + "<tr><th>To</th><td>Weald Community Health</td></tr>"
                + "<tr><th>Service</th><td>Falls response (Weald)</td></tr>"
                + "<tr><th>Answer by</th><td>2026-11-22T17:47:33Z</td></tr></table></div>",
                task.getText().getDivAsString());
        assertTrue(JSON.encodeResourceToString(task).contains("\"text\":{\"status\":\"generated\",\"div\":\""
                + "<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\"><p><b>Offer (requested)</b></p><table><tr><th>To</th>"),
                JSON.encodeResourceToString(task));
    }

    @Test
    void textThatLooksLikeMarkupIsEscapedAndReadsBackAsWritten() {
        String description = "<b>Flat 2 & 3</b> \"rear\" 'door' &amp; é";
        Location location = new Location().setDescription(description)
                .setAddress(new Address().setPostalCode("ME14 1AB"));

        Narratives.generate(location);

        assertEquals("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p><b>Incident location</b></p><table>"
                + "<tr><th>Description</th><td>&lt;b&gt;Flat 2 &amp; 3&lt;/b&gt; &quot;rear&quot; 'door' &amp;amp; é</td></tr>"
                + "<tr><th>Postcode</th><td>ME14 1AB</td></tr></table></div>",
                location.getText().getDivAsString());
        Location read = JSON.parseResource(Location.class, JSON.encodeResourceToString(location));
        assertEquals(description, read.getText().getDiv().getElement("table").getChildNodes().get(0).getChildNodes()
                .get(1).allText());
    }

    @Test
    void aResourceWithNothingToTabulateHasItsHeadingOnly() {
        Location location = new Location();

        Narratives.generate(location);

        assertEquals("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p><b>Incident location</b></p></div>",
                location.getText().getDivAsString());
    }

    @Test
    void aDefinitionIsSummedUpByItsTitleAndDescription() {
        CodeSystem system = new CodeSystem();

        Narratives.summary(system, "Offer status reasons", "Why an offer was <em>not</em> taken & by whom");

        assertEquals(Narrative.NarrativeStatus.GENERATED, system.getText().getStatus());
        assertEquals("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p><b>Offer status reasons</b></p>"
                + "<p>Why an offer was &lt;em&gt;not&lt;/em&gt; taken &amp; by whom</p></div>",
                system.getText().getDivAsString());
    }

    private static Task offer() {
        Task task = new Task().setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
        task.setOwner(new Reference().setDisplay("Weald Community Health")
                .setIdentifier(new Identifier().setValue("RXX")));
        task.addPerformerType(new CodeableConcept().setText("Falls response (Weald)"));
        task.getRestriction().setPeriod(new Period().setEndElement(new DateTimeType("2026-11-22T17:47:33Z")));
        return task;
    }
}

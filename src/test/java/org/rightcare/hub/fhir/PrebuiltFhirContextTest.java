package org.rightcare.hub.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;

/**
 * The FHIR context a native executable carries in its image heap is the one {@link PrebuiltFhirContext}'s initialiser
 * builds: whatever the initialiser does not scan, the executable scans at run time, in a request. These checks run on
 * the JVM, in milliseconds, rather than minutes into a native build.
 */
class PrebuiltFhirContextTest {

    @Test
    void theContextKnowsEveryResourceTypeTheHubUsesBeforeAnythingAsksForOne() {
        // Nothing in this test touches a resource type before this line, and a new context does not know them all
        // (Task, ServiceRequest, Bundle ... are scanned on first use), so this fails if the initialiser stops scanning.
        Set<Class<?>> known = elementTypes(PrebuiltFhirContext.FHIR);
        Set<Class<?>> knownToANewContext = elementTypes(FhirContext.forR4());

        assertEquals(List.of(), PrebuiltFhirContext.RESOURCE_TYPES.stream().filter(type -> !known.contains(type))
                .map(Class::getSimpleName).toList(), "resource types the prebuilt context has not scanned");
        assertFalse(knownToANewContext.containsAll(PrebuiltFhirContext.RESOURCE_TYPES),
                "a context that was not warmed does not know them all (else this test proves nothing)");
    }

    @Test
    void theHubIsGivenThePrebuiltContextAndHapiItsCachedOne() {
        FhirContext produced = new FhirContextProducer().fhirContext();

        assertSame(PrebuiltFhirContext.FHIR, produced);
        assertSame(produced, FhirContext.forR4Cached(), "HAPI code that asks for the cached R4 context gets this one");
    }

    @Test
    void aResourceRoundTripsThroughItInJsonAndXml() {
        Task task = new Task().setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER)
                .setFor(new Reference("Patient/p1"));
        task.setId("t1");
        Narratives.generate(task);
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        bundle.addEntry().setResource(task);
        bundle.addEntry().setResource(new Patient().setActive(true).setId("p1"));

        for (IParser parser : List.of(PrebuiltFhirContext.FHIR.newJsonParser(), PrebuiltFhirContext.FHIR.newXmlParser())) {
            Bundle read = parser.parseResource(Bundle.class, parser.encodeResourceToString(bundle));
            Task readTask = (Task) read.getEntryFirstRep().getResource();

            assertEquals(Task.TaskStatus.REQUESTED, readTask.getStatus());
            assertEquals("Patient/p1", readTask.getFor().getReference());
            assertEquals(task.getText().getDivAsString(), readTask.getText().getDivAsString());
            assertTrue(((Patient) read.getEntry().get(1).getResource()).getActive());
        }
    }

    @Test
    void whatAResourceContainsIsEncodedWithTheReferencesToIt() {
        // The context skips HAPI's search for references to contain: what a resource holds in contained, the hub's
        // own (a service's catchment areas) or one it read, is still written, and read back the same.
        HealthcareService service = new HealthcareService().setName("Falls response");
        service.setId("falls-weald");
        Location area = new Location().setName("Swanley and Hextable");
        area.setId("area-0");
        service.addContained(area);
        service.addCoverageArea(new Reference("#area-0"));

        for (IParser parser : List.of(PrebuiltFhirContext.FHIR.newJsonParser(), PrebuiltFhirContext.FHIR.newXmlParser())) {
            String encoded = parser.encodeResourceToString(service);
            HealthcareService read = parser.parseResource(HealthcareService.class, encoded);

            assertEquals("Swanley and Hextable", ((Location) read.getContained().get(0)).getName(), encoded);
            assertEquals("#area-0", read.getCoverageAreaFirstRep().getReference(), encoded);
            assertEquals(encoded, parser.encodeResourceToString(read), "a resource read is written again as it came");
        }
    }

    @Test
    void theNativeBuildInitialisesItWhileTheImageIsBuilt() {
        Properties configuration = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            configuration.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        assertTrue(configuration.getProperty("quarkus.native.additional-build-args")
                .contains("--initialize-at-build-time=" + PrebuiltFhirContext.class.getName()),
                "quarkus.native.additional-build-args names " + PrebuiltFhirContext.class.getName());
    }

    private static Set<Class<?>> elementTypes(FhirContext fhir) {
        return fhir.getElementDefinitions().stream().map(BaseRuntimeElementDefinition::getImplementingClass)
                .collect(Collectors.toSet());
    }
}

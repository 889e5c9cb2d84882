package org.rightcare.hub.fhir;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.hl7.fhir.r4.model.Basic;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import io.quarkus.runtime.StartupEvent;

/**
 * One FhirContext for the whole hub, {@link PrebuiltFhirContext}'s: building it scans the R4 model and takes about a
 * second on the JVM. A native executable carries it built, in its image heap; on the JVM it is built when the hub
 * starts, so that no request pays for it on an event loop.
 */
public class FhirContextProducer {

    @Produces
    @Singleton
    FhirContext fhirContext() {
        return PrebuiltFhirContext.FHIR;
    }

    /**
     * On the JVM the context is built here, at start; a native executable has it already. Either way HAPI's XML
     * factories are created here: they are static state of its {@code XmlUtil}, which a native executable initialises
     * at run time (application.properties says why), and creating them looks up the StAX implementation.
     */
    void buildAtStart(@Observes StartupEvent start) {
        IParser xml = fhirContext().newXmlParser();
        xml.parseResource(xml.encodeResourceToString(new Basic()));
    }
}

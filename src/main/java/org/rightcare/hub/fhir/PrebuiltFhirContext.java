package org.rightcare.hub.fhir;

import java.util.Date;
import java.util.List;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;

/**
 * The hub's FhirContext, with the model of every resource type the hub renders, parses or sends already scanned and
 * its parsers already used once. HAPI scans a type on its first use otherwise, which would be inside a request or a
 * cascade step, on an event loop.
 *
 * <p>
 * Built by this class's initialiser, so that a native executable carries it ready in its image heap: the native build
 * initialises this class while the image is built ({@code --initialize-at-build-time} in application.properties), and
 * the executable starts without scanning anything. On the JVM the initialiser runs when the hub starts
 * ({@link FhirContextProducer}). Nothing of the warm-up is kept but the context's own model: the resources built for it
 * are dropped, and no thread, clock reading or open file is held.
 */
final class PrebuiltFhirContext {

    /** The resource types the hub renders, parses and sends. */
    static final List<Class<? extends IBaseResource>> RESOURCE_TYPES = List.of(AuditEvent.class, Basic.class,
            Bundle.class, CapabilityStatement.class, CarePlan.class, Encounter.class, Endpoint.class, Flag.class,
            HealthcareService.class, Location.class, MessageHeader.class, Observation.class, OperationDefinition.class,
            OperationOutcome.class, Organization.class, Parameters.class, Patient.class, ServiceRequest.class,
            Subscription.class, Task.class);

    static final FhirContext FHIR = warmed(encodingWhatResourcesHold(FhirContext.forR4Cached()));

    private PrebuiltFhirContext() {
    }

    /**
     * By default HAPI walks every element of each resource it encodes, looking for references that hold a resource
     * object with no id, to contain it; that walk was 2.3 % of the hub's CPU at 150 incidents/s. The hub never writes
     * such a reference (it refers by id, and adds what it contains to {@code contained} itself) and reads none (a
     * resource it parses refers to its contained resources by id), so the walk is turned off; resources already
     * contained are encoded as before.
     */
    private static FhirContext encodingWhatResourcesHold(FhirContext fhir) {
        fhir.getParserOptions().setAutoContainReferenceTargetsWithNoId(false);
        return fhir;
    }

    private static FhirContext warmed(FhirContext fhir) {
        RESOURCE_TYPES.forEach(fhir::getResourceDefinition);
        // The parsers and serialisers have lazy state of their own (the XML factory, the narrative and datatype
        // element definitions): one round trip of a Bundle holding every type, in both formats, pays for it here.
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        for (Class<? extends IBaseResource> type : RESOURCE_TYPES) {
            if (type != Bundle.class && fhir.getResourceDefinition(type).newInstance() instanceof Resource resource) {
                bundle.addEntry().setResource(resource);
            }
        }
        bundle.addEntry().setResource(new Observation().setValue(new Quantity(1)).setEffective(new DateTimeType()));
        // The renderers' narratives are XHTML, encoded on first use (and parsed when a resource that carries one is
        // read), and scores are effective over a Period.
        Observation narrated = new Observation().setValue(new Quantity(1)).setEffective(new Period().setStart(new Date()));
        Narratives.generate(narrated);
        bundle.addEntry().setResource(narrated);
        for (IParser parser : List.of(fhir.newJsonParser(), fhir.newXmlParser())) {
            parser.parseResource(Bundle.class, parser.encodeResourceToString(bundle));
        }
        return fhir;
    }
}

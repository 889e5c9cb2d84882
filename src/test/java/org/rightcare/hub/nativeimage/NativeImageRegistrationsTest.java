package org.rightcare.hub.nativeimage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.ops.ReferralTimeline;

/**
 * What the native image feature registers, checked on the JVM (no GraalVM here): HAPI's R4 model classes, nested
 * components and enum factories included, FhirR4, and the hub's own classes to pick records from.
 */
class NativeImageRegistrationsTest {

    @Test
    void listsEveryR4ModelClassHapiReachesByReflection() {
        List<String> fhir = NativeImageRegistrations.classes(NativeImageRegistrationsTest::load,
                NativeImageRegistrations.FHIR);

        for (String expected : List.of("org.hl7.fhir.r4.model.Patient", "org.hl7.fhir.r4.model.Task",
                "org.hl7.fhir.r4.model.ServiceRequest", "org.hl7.fhir.r4.model.Bundle",
                "org.hl7.fhir.r4.model.OperationOutcome", "org.hl7.fhir.r4.model.Patient$ContactComponent",
                "org.hl7.fhir.r4.model.Enumerations$AdministrativeGenderEnumFactory",
                "org.hl7.fhir.r4.hapi.ctx.FhirR4")) {
            assertTrue(fhir.contains(expected), expected + " is registered");
        }
        assertFalse(fhir.stream().anyMatch(name -> name.startsWith("org.hl7.fhir.r4.model.codesystems.")),
                "the code-system enums are not reached by reflection");
        assertTrue(fhir.size() > 1000, "the whole model package: " + fhir.size());
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, Patient.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    @Test
    void listsTheHubsOwnClassesSoItsRecordsCanBeRegistered() throws ClassNotFoundException {
        List<String> hub = NativeImageRegistrations.classes(NativeImageRegistrationsTest::load,
                NativeImageRegistrations.HUB);

        assertTrue(hub.contains(ReferralTimeline.class.getName()));
        assertTrue(hub.contains(ReferralTimeline.Entry.class.getName()));
        assertTrue(Class.forName(ReferralTimeline.Entry.class.getName()).isRecord());
    }
}

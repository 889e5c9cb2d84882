package org.rightcare.hub.nativeimage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.ops.ReferralTimeline;

import ca.uhn.fhir.context.FhirContext;

/**
 * What the native image feature registers, checked on the JVM in seconds: HAPI's R4 model classes, nested components
 * and enum factories included, FhirR4, and the hub's records; and every one of them loads and shows its members as
 * HAPI's model scanner reads them. A class that refers to a library the hub does not ship fails here (UCUM did, issue
 * 18), not half an hour into a native build.
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

    @Test
    void listsTheHubsOwnClassesSoItsRecordsCanBeRegistered() throws ClassNotFoundException {
        List<String> hub = NativeImageRegistrations.classes(NativeImageRegistrationsTest::load,
                NativeImageRegistrations.HUB);

        assertTrue(hub.contains(ReferralTimeline.class.getName()));
        assertTrue(hub.contains(ReferralTimeline.Entry.class.getName()));
        assertTrue(Class.forName(ReferralTimeline.Entry.class.getName()).isRecord());
    }

    @Test
    void everyRegisteredClassLoadsAndShowsItsMembers() {
        NativeImageRegistrations.Registrations registrations = NativeImageRegistrations
                .registrations(NativeImageRegistrationsTest::load);

        assertEquals(Map.of(), registrations.skipped(), "classes the native image would leave out");
        assertTrue(registrations.classes().contains(ReferralTimeline.Entry.class), "the hub's records");
        assertTrue(registrations.classes().stream().anyMatch(type -> type.getName().endsWith(".HapiWorkerContext")),
                "the R4 worker context, which needs UCUM");
        for (Class<?> type : registrations.classes()) {
            // What reflection reaches at run time: generic types of fields (HAPI's ModelScanner reads them) and of
            // methods and constructors, and annotations, each of which can name a class that is not shipped.
            type.getAnnotations();
            for (Field field : type.getDeclaredFields()) {
                field.getGenericType();
                field.getAnnotations();
            }
            for (Method method : type.getDeclaredMethods()) {
                method.getGenericReturnType();
                method.getGenericParameterTypes();
                method.getAnnotations();
            }
            for (var constructor : type.getDeclaredConstructors()) {
                constructor.getGenericParameterTypes();
            }
        }
    }

    /**
     * HAPI instantiates every element type it parses by reflection (the narrative's {@code XhtmlNode} failed the
     * first native start this way): each type its model scan of every R4 resource finds must be registered.
     */
    @Test
    void everyElementTypeHapisModelScanFindsIsRegistered() {
        FhirContext fhir = FhirContext.forR4();
        fhir.getResourceTypes().forEach(fhir::getResourceDefinition);
        Set<Class<?>> registered = Set.copyOf(NativeImageRegistrations.registrations(NativeImageRegistrationsTest::load)
                .classes());

        List<String> missing = fhir.getElementDefinitions().stream()
                .map(definition -> definition.getImplementingClass()).filter(type -> !registered.contains(type))
                .map(Class::getName).sorted().toList();

        assertEquals(List.of(), missing, "element types HAPI reaches by reflection but the image would not register");
        assertTrue(fhir.getElementDefinitions().size() > 500, "the scan reached the whole model");
    }

    @Test
    void aClassThatCannotBeLinkedIsLeftOutAndNamedNotFatal() {
        String worker = "org.hl7.fhir.r4.hapi.ctx.HapiWorkerContext";

        NativeImageRegistrations.Registrations registrations = NativeImageRegistrations.registrations(name -> {
            if (name.equals(worker)) {
                throw new NoClassDefFoundError("org/fhir/ucum/UcumService");
            }
            return load(name);
        });

        assertEquals(Map.of(worker, "java.lang.NoClassDefFoundError: org/fhir/ucum/UcumService"),
                registrations.skipped());
        assertTrue(registrations.classes().size() > 1000, "the rest is still registered");
        String report = NativeImageRegistrations.report(registrations.classes().size(), registrations.skipped());
        assertTrue(report.contains("left out 1 that cannot be loaded or linked:\n  " + worker
                + " (java.lang.NoClassDefFoundError: org/fhir/ucum/UcumService)"), report);
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, Patient.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
    }
}

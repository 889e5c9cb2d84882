package org.rightcare.hub.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.Capacity;
import org.rightcare.hub.directory.Catchment;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.DirectoryFileLoader;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;

/** Every demo service rendered as HealthcareService, Organization and Endpoint is valid FHIR R4. */
class DirectoryRendererTest {

    private static final FhirContext FHIR = FhirContext.forR4();
    private static final IParser JSON = FHIR.newJsonParser();
    private static final DirectoryRenderer RENDERER = new DirectoryRenderer();
    private static final List<CommunityService> DEMO = DirectoryFileLoader
            .load("classpath:directory/demo-directory.yaml").services();

    @Test
    void everyDemoServiceRendersAsValidR4() {
        FhirValidator validator = FHIR.newValidator().registerValidatorModule(new FhirInstanceValidator(
                new ValidationSupportChain(new DefaultProfileValidationSupport(FHIR),
                        new InMemoryTerminologyServerValidationSupport(FHIR),
                        new CommonCodeSystemsTerminologyService(FHIR))));
        Capacity amber = new Capacity(Capacity.Rag.AMBER, 2, Instant.parse("2026-11-22T14:00:00Z"));
        for (CommunityService service : DEMO) {
            List<Resource> resources = new ArrayList<>();
            resources.add(RENDERER.healthcareService(service, amber));
            resources.add(RENDERER.organization(service.odsCode(), service.organisationName()));
            RENDERER.endpoint(service).ifPresent(resources::add);
            for (Resource resource : resources) {
                List<SingleValidationMessage> errors = validator.validateWithResult(JSON.encodeResourceToString(resource))
                        .getMessages().stream()
                        .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                        .toList();
                assertTrue(errors.isEmpty(), resource.fhirType() + "/" + service.id() + ": " + errors.stream()
                        .map(m -> m.getLocationString() + " " + m.getMessage()).collect(Collectors.joining("; ")));
            }
        }
    }

    @Test
    void aPolygonAreaIsGeoJsonInLongitudeLatitudeOrderAndClosed() {
        CommunityService dartford = DEMO.stream().filter(s -> s.id().equals("ucr-dartford")).findFirst().orElseThrow();
        HealthcareService resource = RENDERER.healthcareService(dartford, Capacity.unknown());

        Location swanley = resource.getContained().stream().map(Location.class::cast)
                .filter(l -> l.getName().equals("Swanley and Hextable")).findFirst().orElseThrow();
        Attachment boundary = (Attachment) swanley.getExtensionByUrl(DirectoryRenderer.BOUNDARY_GEOJSON).getValue();
        assertEquals("application/geo+json", boundary.getContentType());
        assertEquals("{\"type\":\"Polygon\",\"coordinates\":[[[0.147,51.417],[0.195,51.417],[0.195,51.385],"
                + "[0.147,51.385],[0.147,51.417]]]}", new String(boundary.getData(), StandardCharsets.UTF_8));
        assertEquals(List.of("#district-DA1", "#district-DA2", "#area-0"), resource.getCoverageArea().stream()
                .map(r -> r.getReference()).toList());
        assertEquals(1, dartford.catchment().areas().stream().filter(Catchment.Polygon.class::isInstance).count());
    }
}

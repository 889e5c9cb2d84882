package org.rightcare.hub.fhirapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rightcare.hub.testing.DirectoryFixtures.asAdmin;

import java.net.URL;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Duration;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.fhir.DirectoryRenderer;
import org.rightcare.hub.fhir.HubIdentifiers;
import org.rightcare.hub.testing.DirectoryFixtures;
import org.rightcare.hub.testing.Tokens;

import com.fasterxml.jackson.databind.node.ObjectNode;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The directory read through {@code /fhir} by HAPI's own client, as a provider system would read it. */
@QuarkusTest
class DirectoryFhirReadTest {

    private static final FhirContext FHIR = FhirContext.forR4();
    private static final String ADMIN_SERVICES = "/admin/directory/services/";

    @TestHTTPResource("/fhir")
    URL fhirBase;

    private IGenericClient fhir;

    @BeforeEach
    void connect() {
        fhir = FHIR.newRestfulGenericClient(fhirBase.toString());
        fhir.registerInterceptor(new BearerTokenAuthInterceptor(Tokens.provider("TST01")));
    }

    @Test
    void readsAServiceAsAHealthcareService() {
        HealthcareService ucr = fhir.read().resource(HealthcareService.class).withId("test-ucr").execute();

        assertEquals("test-ucr", ucr.getIdElement().getIdPart());
        assertEquals(HubIdentifiers.DOS_SERVICE_ID, ucr.getIdentifierFirstRep().getSystem());
        assertEquals("1000000001", ucr.getIdentifierFirstRep().getValue());
        assertTrue(ucr.getActive());
        assertEquals("Organization/TST01", ucr.getProvidedBy().getReference());
        assertEquals("Testshire Community Health NHS Trust", ucr.getProvidedBy().getDisplay());
        assertEquals(ServiceType.SYSTEM, ucr.getTypeFirstRep().getCodingFirstRep().getSystem());
        assertEquals("ucr", ucr.getTypeFirstRep().getCodingFirstRep().getCode());
        assertEquals("Testshire Urgent Community Response", ucr.getName());
        assertEquals("Endpoint/test-ucr", ucr.getEndpointFirstRep().getReference());
        assertEquals(7, ucr.getAvailableTimeFirstRep().getDaysOfWeek().size());
        assertTrue(ucr.getAvailableTimeFirstRep().getAllDay());
        assertTrue(ucr.getEligibilityFirstRep().getComment().contains("age 18 and over"));

        List<Location> coverage = ucr.getCoverageArea().stream().map(r -> (Location) r.getResource()).toList();
        assertEquals(List.of("Postcode district ME14", "Postcode district ME15", "Maidstone centre"),
                coverage.stream().map(Location::getName).toList());
        assertEquals("ME14", coverage.get(0).getAddress().getPostalCode());
        assertEquals(51.272, coverage.get(2).getPosition().getLatitude().doubleValue(), 1e-9);
        Quantity radius = (Quantity) coverage.get(2).getExtensionByUrl(DirectoryRenderer.COVERAGE_RADIUS).getValue();
        assertEquals(5, radius.getValue().intValue());

        Duration window = (Duration) ucr.getExtensionByUrl(DirectoryRenderer.ACCEPTANCE_WINDOW).getValue();
        assertEquals(15, window.getValue().intValue());
        assertEquals("min", window.getCode());
        assertEquals("bars", ((CodeType) ucr.getExtensionByUrl(DirectoryRenderer.REFERRAL_DELIVERY).getValue())
                .getValue());
    }

    @Test
    void rendersHoursAcrossMidnightAndClosures() {
        HealthcareService inHours = fhir.read().resource(HealthcareService.class).withId("test-gp-in-hours").execute();
        HealthcareService.HealthcareServiceAvailableTimeComponent weekdays = inHours.getAvailableTimeFirstRep();
        assertEquals(Set.of("mon", "tue", "wed", "thu", "fri"), weekdays.getDaysOfWeek().stream()
                .map(d -> d.getValue().toCode()).collect(Collectors.toSet()));
        assertEquals("08:00:00", weekdays.getAvailableStartTime());
        assertEquals("18:30:00", weekdays.getAvailableEndTime());
        HealthcareService.HealthcareServiceNotAvailableComponent christmas = inHours.getNotAvailableFirstRep();
        assertEquals("Christmas Day", christmas.getDescription());
        assertEquals("2026-12-25T00:00:00+00:00", christmas.getDuring().getStartElement().getValueAsString());
        assertEquals("2026-12-26T00:00:00+00:00", christmas.getDuring().getEndElement().getValueAsString());
        // A service that pulls its cases has no endpoint to deliver to.
        assertTrue(inHours.getEndpoint().isEmpty());
        assertThrows(ResourceNotFoundException.class,
                () -> fhir.read().resource(Endpoint.class).withId("test-gp-in-hours").execute());

        HealthcareService outOfHours = fhir.read().resource(HealthcareService.class).withId("test-gp-ooh").execute();
        assertEquals("18:30:00", outOfHours.getAvailableTimeFirstRep().getAvailableStartTime());
        assertEquals("08:00:00", outOfHours.getAvailableTimeFirstRep().getAvailableEndTime());
        assertTrue(outOfHours.getAvailabilityExceptions().contains("Europe/London"));
    }

    @Test
    void showsLiveCapacity() {
        String id = "fhir-test-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode definition = DirectoryFixtures.serviceDefinition(id);
        try {
            asAdmin().contentType("application/json").body(definition).put(ADMIN_SERVICES + id).then().statusCode(201);
            asAdmin().contentType("application/json").body("{\"rag\":\"AMBER\",\"places\":2}")
                    .put(ADMIN_SERVICES + id + "/capacity").then().statusCode(200);

            HealthcareService service = fhir.read().resource(HealthcareService.class).withId(id).execute();

            Extension capacity = service.getExtensionByUrl(DirectoryRenderer.SERVICE_CAPACITY);
            assertEquals("AMBER", ((CodeType) capacity.getExtensionByUrl("rag").getValue()).getValue());
            assertEquals(2, ((UnsignedIntType) capacity.getExtensionByUrl("places").getValue()).getValue());
            assertTrue(capacity.getExtensionByUrl("updated") != null);
            assertTrue(service.getAvailabilityExceptions().contains("Capacity now: AMBER, 2 places"),
                    service.getAvailabilityExceptions());
        } finally {
            asAdmin().delete(ADMIN_SERVICES + id);
        }
    }

    @Test
    void readsTheOrganisationByOdsCode() {
        Organization trust = fhir.read().resource(Organization.class).withId("TST01").execute();
        assertEquals(HubIdentifiers.ODS_ORGANIZATION_CODE, trust.getIdentifierFirstRep().getSystem());
        assertEquals("TST01", trust.getIdentifierFirstRep().getValue());
        assertEquals("Testshire Community Health NHS Trust", trust.getName());
        assertThrows(ResourceNotFoundException.class,
                () -> fhir.read().resource(Organization.class).withId("NOPE1").execute());
    }

    @Test
    void readsWhereOffersAreDeliveredAsAnEndpoint() {
        Endpoint bars = fhir.read().resource(Endpoint.class).withId("test-ucr").execute();
        assertEquals(Endpoint.EndpointStatus.ACTIVE, bars.getStatus());
        assertEquals("hl7-fhir-msg", bars.getConnectionType().getCode());
        assertEquals("http://localhost:9/bars/test-ucr", bars.getAddress());
        assertEquals("Organization/TST01", bars.getManagingOrganization().getReference());
        assertFalse(bars.getPayloadType().isEmpty());

        Endpoint rest = fhir.read().resource(Endpoint.class).withId("test-ucr-east").execute();
        assertEquals("hl7-fhir-rest", rest.getConnectionType().getCode());
        assertEquals("http://localhost:9/fhir", rest.getAddress());
    }

    @Test
    void answersNotFoundForAServiceNotInTheDirectory() {
        assertThrows(ResourceNotFoundException.class,
                () -> fhir.read().resource(HealthcareService.class).withId("no-such-service").execute());
    }

    @Test
    void needsABearerToken() {
        IGenericClient anonymous = FHIR.newRestfulGenericClient(fhirBase.toString());
        assertThrows(AuthenticationException.class,
                () -> anonymous.read().resource(HealthcareService.class).withId("test-ucr").execute());
    }

    @Test
    void theCapabilityStatementDeclaresTheDirectoryTypes() {
        CapabilityStatement statement = fhir.capabilities().ofType(CapabilityStatement.class).execute();
        Set<String> readable = statement.getRestFirstRep().getResource().stream()
                .filter(r -> r.getInteraction().stream().anyMatch(i -> i.getCode().toCode().equals("read")))
                .map(r -> r.getType()).collect(Collectors.toSet());
        assertTrue(readable.containsAll(Set.of("HealthcareService", "Organization", "Endpoint")), readable.toString());
    }
}

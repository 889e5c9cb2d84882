package org.rightcare.hub.fhirapi;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.fhir.HubIdentifiers;
import org.rightcare.hub.fhir.ReferralRenderer;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.Tokens;

import com.fasterxml.jackson.databind.node.ObjectNode;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The FHIR read API as a provider system uses it: an incident arrives through the CAD webhook, and the provider
 * reads the referral with HAPI's own client, in JSON and in XML, following the references between the resources.
 */
@QuarkusTest
class FhirReadApiTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String FALL = "incident-created.json";
    /** The fixture's call is category 3: a two-hour response target. */
    private static final Duration C3_TARGET = Duration.ofHours(2);

    @TestHTTPResource("/fhir")
    URL fhirBase;

    private IGenericClient client(EncodingEnum encoding) {
        IGenericClient client = FHIR.newRestfulGenericClient(fhirBase.toString());
        client.registerInterceptor(new BearerTokenAuthInterceptor(Tokens.hubClinician()));
        client.setEncoding(encoding);
        return client;
    }

    /** Posts the incident and waits until the router has acted on it, so its version no longer moves by itself. */
    private static String post(ObjectNode event) {
        String referralId = CadWebhook.post(event).then().statusCode(202).extract().path("referralId");
        TestDatabase.await("the referral is routed", () -> !"routing".equals(
                TestDatabase.text("SELECT status FROM referral WHERE id = ?::uuid", referralId)));
        return referralId;
    }

    /** The referral's version once routed: every resource rendered from it carries this versionId. */
    private static String version(String referralId) {
        return TestDatabase.text("SELECT version::text FROM referral WHERE id = ?::uuid", referralId);
    }

    private static String nextVersion(String version) {
        return String.valueOf(Integer.parseInt(version) + 1);
    }

    private static Response get(String path) {
        return given().auth().oauth2(Tokens.hubClinician()).get("/fhir/" + path);
    }

    @Test
    void readsTheServiceRequestOfAnIncidentPostedByTheCad() {
        ObjectNode event = CadWebhook.event(FALL);
        String referralId = post(event);

        ServiceRequest request = client(EncodingEnum.JSON).read().resource(ServiceRequest.class).withId(referralId)
                .execute();

        assertEquals(referralId, request.getIdElement().getIdPart());
        assertEquals(version(referralId), request.getMeta().getVersionId());
        assertEquals(ServiceRequestStatus.ACTIVE, request.getStatus());
        assertEquals(ServiceRequest.ServiceRequestIntent.PLAN, request.getIntent());
        assertEquals(ServiceRequestPriority.URGENT, request.getPriority());
        assertEquals(CadWebhook.receivedAt(event).plus(C3_TARGET), request.getOccurrencePeriod().getEnd().toInstant());
        assertEquals(Map.of(
                HubIdentifiers.REFERRAL_ID, referralId,
                HubIdentifiers.cadIncidentId(CadWebhook.CAD_SYSTEM), event.at("/incident/incidentId").asText()),
                identifiers(request.getIdentifier()));
        assertEquals("Patient/" + referralId, request.getSubject().getReference());
        assertEquals("Encounter/" + referralId, request.getEncounter().getReference());
    }

    @Test
    void everyReferenceOfTheServiceRequestResolvesToAReadableResource() {
        String referralId = post(CadWebhook.event(FALL));
        String version = version(referralId);
        IGenericClient client = client(EncodingEnum.JSON);
        ServiceRequest request = client.read().resource(ServiceRequest.class).withId(referralId).execute();

        List<Reference> references = new ArrayList<>();
        references.add(request.getSubject());
        references.add(request.getEncounter());
        references.addAll(request.getLocationReference());
        references.addAll(request.getSupportingInfo());

        List<String> read = references.stream()
                .map(reference -> {
                    IBaseResource target = client.read().resource(reference.getReferenceElement().getResourceType())
                            .withId(reference.getReferenceElement().getIdPart()).execute();
                    assertEquals(reference.getReference(), target.getIdElement().toUnqualifiedVersionless().getValue());
                    assertEquals(version, target.getMeta().getVersionId());
                    return reference.getReference();
                })
                .toList();
        assertEquals(List.of(
                "Patient/" + referralId,
                "Encounter/" + referralId,
                "Location/" + referralId,
                "Observation/" + referralId + "-news2",
                "Observation/" + referralId + "-frailty",
                "Observation/" + referralId + "-obs-0",
                "Flag/" + referralId + "-scene-safety"), read);
    }

    @Test
    void readsThePatientWithTheNhsNumberIdentifier() {
        String referralId = post(CadWebhook.event(FALL));

        Patient patient = client(EncodingEnum.JSON).read().resource(Patient.class).withId(referralId).execute();

        assertEquals(1, patient.getIdentifier().size());
        assertEquals(HubIdentifiers.NHS_NUMBER, patient.getIdentifierFirstRep().getSystem());
        assertEquals("9434765919", patient.getIdentifierFirstRep().getValue());
        assertEquals("Marsh", patient.getNameFirstRep().getFamily());
    }

    @Test
    void readsTheEncounterIdentifiedByTheCadIncident() {
        ObjectNode event = CadWebhook.event(FALL);
        String referralId = post(event);

        Encounter encounter = client(EncodingEnum.JSON).read().resource(Encounter.class).withId(referralId).execute();

        assertEquals(Map.of(HubIdentifiers.cadIncidentId(CadWebhook.CAD_SYSTEM), event.at("/incident/incidentId").asText()),
                identifiers(encounter.getIdentifier()));
        assertEquals(Encounter.EncounterStatus.TRIAGED, encounter.getStatus());
        assertEquals("Patient/" + referralId, encounter.getSubject().getReference());
        assertEquals("Location/" + referralId, encounter.getLocationFirstRep().getLocation().getReference());
    }

    @Test
    void readsTheIncidentLocation() {
        String referralId = post(CadWebhook.event(FALL));

        Location location = client(EncodingEnum.JSON).read().resource(Location.class).withId(referralId).execute();

        assertEquals("ME14 1AB", location.getAddress().getPostalCode());
        assertEquals(0, new BigDecimal("51.2787").compareTo(location.getPosition().getLatitude()));
        assertEquals(0, new BigDecimal("0.5217").compareTo(location.getPosition().getLongitude()));
    }

    @Test
    void readsTheScoresAndTheCrewObservations() {
        String referralId = post(CadWebhook.event(FALL));
        IGenericClient client = client(EncodingEnum.JSON);

        Observation news2 = client.read().resource(Observation.class).withId(referralId + "-news2").execute();
        Observation frailty = client.read().resource(Observation.class).withId(referralId + "-frailty").execute();
        Observation respiratoryRate = client.read().resource(Observation.class).withId(referralId + "-obs-0")
                .execute();

        assertEquals(ReferralRenderer.NEWS2_CODE, news2.getCode().getCodingFirstRep().getCode());
        assertEquals(0, BigDecimal.valueOf(2).compareTo(news2.getValueQuantity().getValue()));
        assertEquals(ReferralRenderer.FRAILTY_CODE, frailty.getCode().getCodingFirstRep().getCode());
        assertEquals(0, BigDecimal.valueOf(6).compareTo(frailty.getValueQuantity().getValue()));
        assertEquals("respiratory-rate", respiratoryRate.getCode().getText());
        assertEquals(0, BigDecimal.valueOf(18).compareTo(respiratoryRate.getValueQuantity().getValue()));
        assertEquals("/min", respiratoryRate.getValueQuantity().getUnit());
        for (Observation observation : List.of(news2, frailty, respiratoryRate)) {
            assertEquals("Patient/" + referralId, observation.getSubject().getReference());
            assertEquals("Encounter/" + referralId, observation.getEncounter().getReference());
        }
    }

    @Test
    void readsTheSceneSafetyFlag() {
        String referralId = post(CadWebhook.event(FALL));

        Flag flag = client(EncodingEnum.JSON).read().resource(Flag.class).withId(referralId + "-scene-safety")
                .execute();

        assertEquals(Flag.FlagStatus.ACTIVE, flag.getStatus());
        assertEquals("S", flag.getCode().getCodingFirstRep().getCode());
        assertEquals("Location/" + referralId, flag.getSubject().getReference());
    }

    @Test
    void servesTheSameResourceInXmlAsInJson() {
        String referralId = post(CadWebhook.event(FALL));

        ServiceRequest fromJson = client(EncodingEnum.JSON).read().resource(ServiceRequest.class).withId(referralId)
                .execute();
        ServiceRequest fromXml = client(EncodingEnum.XML).read().resource(ServiceRequest.class).withId(referralId)
                .execute();

        assertTrue(fromJson.equalsDeep(fromXml), "the XML rendering parses to the same ServiceRequest as the JSON");
    }

    @Test
    void choosesXmlByFormatParameterOrAcceptHeader() {
        String referralId = post(CadWebhook.event(FALL));

        Response byParameter = get("Patient/" + referralId + "?_format=xml");
        Response byAccept = given().auth().oauth2(Tokens.hubClinician()).accept("application/fhir+xml")
                .get("/fhir/Patient/" + referralId);
        Response byDefault = get("Patient/" + referralId);

        for (Response xml : List.of(byParameter, byAccept)) {
            xml.then().statusCode(200).contentType(startsWith("application/fhir+xml"));
            Patient patient = FHIR.newXmlParser().parseResource(Patient.class, xml.asString());
            assertEquals("9434765919", patient.getIdentifierFirstRep().getValue());
        }
        byDefault.then().statusCode(200).contentType(startsWith("application/fhir+json"));
        assertEquals("9434765919",
                FHIR.newJsonParser().parseResource(Patient.class, byDefault.asString()).getIdentifierFirstRep()
                        .getValue());
    }

    @Test
    void tagsEachReadWithTheReferralVersionAndAnUpdateBumpsIt() {
        ObjectNode created = CadWebhook.event(FALL);
        String referralId = post(created);

        String routed = version(referralId);
        get("ServiceRequest/" + referralId).then().statusCode(200).header("ETag", equalTo("W/\"" + routed + "\""));
        get("Observation/" + referralId + "-news2").then().statusCode(200).header("ETag", equalTo("W/\"" + routed + "\""));

        ObjectNode update = CadWebhook.follow(created, "incident.updated", Instant.now());
        ((ObjectNode) update.get("incident")).put("category", "C4");
        ((ObjectNode) update.at("/incident/clinical")).put("news2", 5);
        CadWebhook.post(update).then().statusCode(202);

        String updated = nextVersion(routed);
        get("ServiceRequest/" + referralId).then().statusCode(200).header("ETag", equalTo("W/\"" + updated + "\""));
        IGenericClient client = client(EncodingEnum.JSON);
        ServiceRequest request = client.read().resource(ServiceRequest.class).withId(referralId).execute();
        Observation news2 = client.read().resource(Observation.class).withId(referralId + "-news2").execute();
        assertEquals(updated, request.getMeta().getVersionId());
        assertEquals(ServiceRequestPriority.ROUTINE, request.getPriority());
        assertEquals(CadWebhook.receivedAt(created).plus(Duration.ofHours(3)),
                request.getOccurrencePeriod().getEnd().toInstant());
        assertEquals(updated, news2.getMeta().getVersionId());
        assertEquals(0, BigDecimal.valueOf(5).compareTo(news2.getValueQuantity().getValue()));
    }

    @Test
    void rendersACancelledIncidentAsARevokedServiceRequest() {
        ObjectNode created = CadWebhook.event(FALL);
        String referralId = post(created);
        String routed = version(referralId);
        ObjectNode cancel = CadWebhook.follow(created, "incident.cancelled", Instant.now());
        cancel.set("incident", cancel.objectNode().put("incidentId", created.at("/incident/incidentId").asText()));
        CadWebhook.post(cancel).then().statusCode(202);

        IGenericClient client = client(EncodingEnum.JSON);
        ServiceRequest request = client.read().resource(ServiceRequest.class).withId(referralId).execute();
        Encounter encounter = client.read().resource(Encounter.class).withId(referralId).execute();

        assertEquals(ServiceRequestStatus.REVOKED, request.getStatus());
        assertEquals(Encounter.EncounterStatus.CANCELLED, encounter.getStatus());
        assertEquals(nextVersion(routed), request.getMeta().getVersionId());
    }

    @Test
    void rendersAnUnknownPatientWithoutIdentifiers() {
        ObjectNode event = CadWebhook.event(FALL);
        ObjectNode patient = (ObjectNode) event.at("/incident/patient");
        patient.remove("nhsNumber");
        patient.remove("birthDate");
        patient.put("estimatedAge", 80);
        String referralId = post(event);

        IGenericClient client = client(EncodingEnum.JSON);
        Patient read = client.read().resource(Patient.class).withId(referralId).execute();
        Observation age = client.read().resource(Observation.class).withId(referralId + "-estimated-age").execute();

        assertTrue(read.getIdentifier().isEmpty(), "an unknown patient has no identifier");
        assertEquals("Marsh", read.getNameFirstRep().getFamily());
        assertEquals(0, BigDecimal.valueOf(80).compareTo(age.getValueQuantity().getValue()));
    }

    @Test
    void answersAnUnknownIdWithNotFoundAndAnOperationOutcome() {
        String referralId = post(CadWebhook.event(FALL));
        IGenericClient client = client(EncodingEnum.JSON);

        for (String id : List.of("9f1d3c4e-0000-4000-8000-000000000000", "not-a-referral", referralId + "-obs-7",
                referralId.toUpperCase())) {
            ResourceNotFoundException notFound = assertThrows(ResourceNotFoundException.class,
                    () -> client.read().resource(Observation.class).withId(id).execute(), id);
            OperationOutcome outcome = assertInstanceOf(OperationOutcome.class, notFound.getOperationOutcome(), id);
            assertEquals(OperationOutcome.IssueType.NOTFOUND, outcome.getIssueFirstRep().getCode(), id);
        }
    }

    @Test
    void answersAnUnknownResourceTypeWithNotFoundAndAnOperationOutcome() {
        String referralId = post(CadWebhook.event(FALL));

        Response response = get("Appointment/" + referralId);

        response.then().statusCode(404).contentType(startsWith("application/fhir+json"));
        OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.asString());
        assertEquals(OperationOutcome.IssueType.NOTSUPPORTED, outcome.getIssueFirstRep().getCode());
        assertEquals("UNKNOWN_RESOURCE_TYPE", outcome.getIssueFirstRep().getDetails().getCodingFirstRep().getCode());
    }

    @Test
    void answersAnUnsupportedFormatWith406AndAnOperationOutcome() {
        String referralId = post(CadWebhook.event(FALL));

        Response response = get("ServiceRequest/" + referralId + "?_format=turtle");

        response.then().statusCode(406).contentType(startsWith("application/fhir+json"));
        OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.asString());
        assertEquals("UNSUPPORTED_FORMAT", outcome.getIssueFirstRep().getDetails().getCodingFirstRep().getCode());
    }

    private static Map<String, String> identifiers(List<Identifier> identifiers) {
        return identifiers.stream().collect(Collectors.toMap(Identifier::getSystem, Identifier::getValue));
    }
}

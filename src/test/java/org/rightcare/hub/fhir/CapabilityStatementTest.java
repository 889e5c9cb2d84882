package org.rightcare.hub.fhir;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URL;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceInteractionComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.BeforeEach;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.Tokens;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * {@code /fhir/metadata} says what the server does, and the server does exactly that: every declared interaction is
 * exercised against a real referral, and every interaction not declared is refused, so the statement and the server
 * cannot drift apart.
 */
@QuarkusTest
class CapabilityStatementTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @TestHTTPResource("/fhir")
    URL fhirBase;

    private IGenericClient client;
    private CapabilityStatement statement;

    @BeforeEach
    void readTheStatement() {
        client = FHIR.newRestfulGenericClient(fhirBase.toString());
        client.registerInterceptor(new BearerTokenAuthInterceptor(Tokens.provider("RXY")));
        statement = client.capabilities().ofType(CapabilityStatement.class).execute();
    }

    @Test
    void describesAnR4ServerSpeakingJsonAndXml() {
        assertEquals(FHIRVersion._4_0_1, statement.getFhirVersion());
        assertEquals(CapabilityStatement.CapabilityStatementKind.INSTANCE, statement.getKind());
        assertEquals(Set.of("application/fhir+json", "application/fhir+xml"),
                statement.getFormat().stream().map(f -> f.getValue()).collect(Collectors.toSet()));
        // Links name the hub's public URL (hub.public-base-url), not whichever address a request came in on.
        String publicBase = ConfigProvider.getConfig().getValue("hub.public-base-url", String.class);
        assertEquals(publicBase.replaceAll("/$", "") + "/fhir", statement.getImplementation().getUrl());
        assertEquals(1, statement.getRest().size());
        assertEquals(CapabilityStatement.RestfulCapabilityMode.SERVER, statement.getRestFirstRep().getMode());
    }

    @Test
    void servesTheStatementInEveryDeclaredFormat() {
        for (var format : statement.getFormat()) {
            Response response = given().accept(format.getValue()).get("/fhir/metadata");
            response.then().statusCode(200).contentType(startsWith(format.getValue()));
            IParser parser = format.getValue().endsWith("xml") ? FHIR.newXmlParser() : FHIR.newJsonParser();
            CapabilityStatement parsed = parser.parseResource(CapabilityStatement.class, response.asString());
            assertTrue(statement.getRestFirstRep().equalsDeep(parsed.getRestFirstRep()), format.getValue());
        }
    }

    @Test
    void enforcesTheDeclaredBearerTokenSecurity() {
        CapabilityStatementRestComponent rest = statement.getRestFirstRep();
        assertEquals("OAuth", rest.getSecurity().getServiceFirstRep().getCodingFirstRep().getCode());

        for (CapabilityStatementRestResourceComponent resource : rest.getResource()) {
            given().get("/fhir/" + resource.getType() + "/00000000-0000-4000-8000-000000000000")
                    .then().statusCode(401).header("WWW-Authenticate", startsWith("Bearer"));
        }
    }

    @Test
    void everyDeclaredInteractionWorksOnARealReferral() {
        Map<String, IdType> realIds = realIdsByType(postIncident());
        CapabilityStatementRestComponent rest = statement.getRestFirstRep();

        for (var interaction : rest.getInteraction()) {
            fail("declares the system interaction " + interaction.getCode().toCode() + " but no test exercises it");
        }
        assertTrue(rest.getOperation().isEmpty(), "declares operations that no test exercises");
        for (CapabilityStatementRestResourceComponent resource : rest.getResource()) {
            String type = resource.getType();
            IdType id = realIds.get(type);
            assertNotNull(id, "a referral renders no " + type + " although the statement declares it");
            assertTrue(resource.getOperation().isEmpty(), "declares operations on " + type + " that no test exercises");
            assertTrue(resource.getSearchParam().isEmpty(), "declares search parameters on " + type);
            for (ResourceInteractionComponent interaction : resource.getInteraction()) {
                IBaseResource answer = exercise(interaction.getCode(), id);
                assertEquals(type, answer.fhirType());
                assertEquals(resource.getProfile(), ((Resource) answer).getMeta().getProfile().stream().findFirst()
                        .map(p -> p.getValue()).orElse(null),
                        "a " + type + " claims the profile the statement declares for it (or none)");
            }
        }
    }

    @Test
    void everyInteractionNotDeclaredIsRefusedWithAnOperationOutcome() {
        String referralId = postIncident();
        // Routing changes the referral (and its version) just after the 202: let it settle before comparing.
        TestDatabase.await("referral " + referralId + " is routed",
                () -> !"routing".equals(TestDatabase.text(
                        "SELECT status FROM referral WHERE id = ?::uuid", referralId)));
        Map<String, IdType> realIds = realIdsByType(referralId);
        ServiceRequest before = client.read().resource(ServiceRequest.class).withId(referralId).execute();

        for (CapabilityStatementRestResourceComponent resource : statement.getRestFirstRep().getResource()) {
            EnumSet<TypeRestfulInteraction> undeclared = EnumSet.complementOf(EnumSet.of(TypeRestfulInteraction.NULL));
            resource.getInteraction().forEach(i -> undeclared.remove(i.getCode()));
            IdType id = realIds.get(resource.getType());
            for (TypeRestfulInteraction interaction : undeclared) {
                String what = interaction.toCode() + " on " + id.getValue();
                BaseServerResponseException refused = assertThrows(BaseServerResponseException.class,
                        () -> exercise(interaction, id), what + " is not declared, so it must not be served");
                assertTrue(refused.getStatusCode() >= 400 && refused.getStatusCode() < 500,
                        what + " answered " + refused.getStatusCode());
                assertInstanceOf(OperationOutcome.class, refused.getOperationOutcome(), what);
            }
        }

        ServiceRequest unchanged = client.read().resource(ServiceRequest.class)
                .withId(realIds.get("ServiceRequest").getIdPart()).execute();
        assertEquals(before.getMeta().getVersionId(), unchanged.getMeta().getVersionId(),
                "no refused write changed the referral");
        assertEquals(before.getStatus(), unchanged.getStatus());
    }

    @Test
    void searchIsNotServed() {
        Response search = given().auth().oauth2(Tokens.provider("RXY")).get("/fhir/ServiceRequest?status=active");

        search.then().statusCode(404).contentType(startsWith("application/fhir+json"));
        FHIR.newJsonParser().parseResource(OperationOutcome.class, search.asString());
    }

    @Test
    void noSystemInteractionIsServed() {
        Set<SystemRestfulInteraction> declared = statement.getRestFirstRep().getInteraction().stream()
                .map(i -> i.getCode()).collect(Collectors.toSet());
        Map<SystemRestfulInteraction, Runnable> calls = new LinkedHashMap<>();
        calls.put(SystemRestfulInteraction.TRANSACTION, () -> client.transaction()
                .withBundle(new Bundle().setType(Bundle.BundleType.TRANSACTION)).execute());
        calls.put(SystemRestfulInteraction.BATCH, () -> client.transaction()
                .withBundle(new Bundle().setType(Bundle.BundleType.BATCH)).execute());
        calls.put(SystemRestfulInteraction.SEARCHSYSTEM, () -> client.search().forAllResources()
                .returnBundle(Bundle.class).execute());
        calls.put(SystemRestfulInteraction.HISTORYSYSTEM, () -> client.history().onServer()
                .returnBundle(Bundle.class).execute());

        calls.forEach((interaction, call) -> {
            assertTrue(!declared.contains(interaction), interaction.toCode() + " is declared; test it as served");
            BaseServerResponseException refused = assertThrows(BaseServerResponseException.class, call::run,
                    interaction.toCode());
            assertTrue(refused.getStatusCode() >= 400 && refused.getStatusCode() < 500, interaction.toCode());
            assertInstanceOf(OperationOutcome.class, refused.getOperationOutcome(), interaction.toCode());
        });
    }

    @Test
    void readsNoResourceTypeBeyondThoseDeclared() {
        String referralId = postIncident();
        Set<String> declared = statement.getRestFirstRep().getResource().stream()
                .map(CapabilityStatementRestResourceComponent::getType).collect(Collectors.toSet());

        List<String> servedButUndeclared = new ArrayList<>();
        for (String type : FHIR.getResourceTypes()) {
            int status = given().auth().oauth2(Tokens.provider("RXY")).get("/fhir/" + type + "/" + referralId)
                    .statusCode();
            if (status != 404 && !declared.contains(type)) {
                servedButUndeclared.add(type + " answered " + status);
            }
        }
        assertEquals(List.of(), servedButUndeclared);
    }

    /** Performs one type-level or instance-level interaction on {@code id} as a FHIR client would. */
    private IBaseResource exercise(TypeRestfulInteraction interaction, IdType id) {
        String type = id.getResourceType();
        return switch (interaction) {
            case READ -> client.read().resource(type).withId(id.getIdPart()).execute();
            case VREAD -> client.read().resource(type).withIdAndVersion(id.getIdPart(), "1").execute();
            case UPDATE -> client.update().resource(blank(type).setIdElement(id)).execute().getResource();
            case PATCH -> client.patch()
                    .withBody("[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"revoked\"}]")
                    .withId(id).execute().getResource();
            case DELETE -> client.delete().resourceById(id).execute().getOperationOutcome();
            case HISTORYINSTANCE -> client.history().onInstance(id).returnBundle(Bundle.class).execute();
            case HISTORYTYPE -> client.history().onType(type).returnBundle(Bundle.class).execute();
            case CREATE -> client.create().resource(blank(type)).execute().getResource();
            case SEARCHTYPE -> client.search().forResource(type).returnBundle(Bundle.class).execute();
            case NULL -> throw new IllegalArgumentException("no interaction");
        };
    }

    private static Resource blank(String type) {
        return (Resource) FHIR.getResourceDefinition(type).newInstance();
    }

    private static String postIncident() {
        return CadWebhook.post(CadWebhook.event("incident-created.json")).then().statusCode(202).extract()
                .path("referralId");
    }

    /** One real id of every type a referral renders: the ServiceRequest and everything it references. */
    private Map<String, IdType> realIdsByType(String referralId) {
        ServiceRequest request = client.read().resource(ServiceRequest.class).withId(referralId).execute();
        List<Reference> references = new ArrayList<>();
        references.add(request.getSubject());
        references.add(request.getEncounter());
        references.addAll(request.getLocationReference());
        references.addAll(request.getSupportingInfo());
        Map<String, IdType> ids = new LinkedHashMap<>();
        ids.put("ServiceRequest", new IdType("ServiceRequest", referralId));
        // The directory's resources, from a service of the test directory.
        HealthcareService service = client.read().resource(HealthcareService.class).withId("test-ucr").execute();
        ids.put("HealthcareService", new IdType("HealthcareService", "test-ucr"));
        references.add(service.getProvidedBy());
        references.addAll(service.getEndpoint());
        references.forEach(r -> ids.putIfAbsent(r.getReferenceElement().getResourceType(),
                new IdType(r.getReferenceElement().getResourceType(), r.getReferenceElement().getIdPart())));
        return ids;
    }
}

package org.rightcare.hub.fhirapi;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.eclipse.microprofile.config.ConfigProvider;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceInteractionComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceVersionPolicy;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.bars.BarsMessaging;
import org.rightcare.hub.bars.inbound.ProcessMessageResource;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.fhir.HubTerminology;
import org.rightcare.hub.testing.BarsMessages;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;
import org.rightcare.hub.testing.Tokens;

import com.fasterxml.jackson.databind.node.ObjectNode;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.gclient.StringClientParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * {@code /fhir/metadata} says what the server does, and the server does exactly that: every declared interaction is
 * exercised against a real referral, its offer and the directory, and every interaction not declared is refused, so
 * the statement and the server cannot drift apart. Each test has a falls service of its own (in a district no other
 * test uses) and calls the API as that service's organisation, so the referral it posts is offered to it and the
 * offer's Task is its to read and answer.
 */
@QuarkusTest
class CapabilityStatementTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @TestHTTPResource("/fhir")
    URL fhirBase;

    private String district;
    private String offeredOds;
    private String serviceId;
    private String dosServiceId;
    private IGenericClient client;
    private CapabilityStatement statement;

    @BeforeEach
    void readTheStatement() {
        district = TestServices.freshDistrict();
        offeredOds = "C" + district;
        serviceId = "capability-" + district.toLowerCase();
        CommunityService service = TestServices.service(serviceId, ServiceType.FALLS_RESPONSE, offeredOds, district,
                Duration.ofMinutes(30));
        dosServiceId = service.dosServiceId();
        TestServices.install(service);
        client = FHIR.newRestfulGenericClient(fhirBase.toString());
        client.registerInterceptor(new BearerTokenAuthInterceptor(Tokens.provider(offeredOds)));
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
        String referralId = postIncident();
        Map<String, IdType> realIds = realIdsByType(referralId);
        CapabilityStatementRestComponent rest = statement.getRestFirstRep();

        for (var interaction : rest.getInteraction()) {
            fail("declares the system interaction " + interaction.getCode().toCode() + " but no test exercises it");
        }
        for (CapabilityStatementRestResourceComponent resource : rest.getResource()) {
            String type = resource.getType();
            IdType id = realIds.get(type);
            assertNotNull(id, "a referral renders no " + type + " although the statement declares it");
            // Searches first, while the offer is still as the router made it.
            for (var parameter : resource.getSearchParam()) {
                // The audit trail of the whole suite is long: narrow to this referral's, except when that is the test.
                String narrow = type.equals("AuditEvent") && !parameter.getName().equals("entity")
                        ? "&entity=ServiceRequest/" + referralId
                        : "";
                Bundle found = search(type, parameter.getName(), searchValue(type, parameter.getName(), referralId)
                        + narrow);
                assertTrue(ids(found).contains(id.getIdPart()), "searching " + type + " by " + parameter.getName()
                        + " finds the real " + type + " " + id.getIdPart());
            }
            for (var include : resource.getSearchInclude()) {
                Bundle found = search(type, includeFilter(type), searchValue(type, includeFilter(type), referralId)
                        + "&_include=" + include.getValue());
                String target = include.getValue().equals("Task:focus") ? "ServiceRequest"
                        : include.getValue().endsWith(":encounter") ? "Encounter" : "Patient";
                assertTrue(found.getEntry().stream().anyMatch(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE
                        && e.getResource().fhirType().equals(target)), include.getValue() + " includes a " + target);
            }
            for (var operation : resource.getOperation()) {
                assertEquals(SetCapacityOperation.NAME, operation.getName(), "declares an operation no test exercises");
                setCapacity(type, operation.getName());
            }
            for (ResourceInteractionComponent interaction : resource.getInteraction()) {
                if (interaction.getCode() == TypeRestfulInteraction.SEARCHTYPE) {
                    continue;
                }
                if (interaction.getCode() == TypeRestfulInteraction.DELETE) {
                    // Last, so the other interactions had the resource; afterwards it is gone.
                    exercise(interaction.getCode(), id);
                    assertThrows(ResourceNotFoundException.class,
                            () -> client.read().resource(type).withId(id.getIdPart()).execute(), "deleted " + id);
                    continue;
                }
                IBaseResource answer = exercise(interaction.getCode(), id);
                assertEquals(type, answer.fhirType());
                assertEquals(resource.getProfile(), ((Resource) answer).getMeta().getProfile().stream().findFirst()
                        .map(p -> p.getValue()).orElse(null),
                        "a " + type + " claims the profile the statement declares for it (or none)");
            }
            keepsItsUpdateClaims(resource, id);
        }
        // Last, since a BaRS response answers the offer the Task interactions above use.
        for (var operation : rest.getOperation()) {
            assertEquals(ProcessMessageResource.NAME, operation.getName(), "declares an operation no test exercises");
        }
        assertEquals(rest.getOperation().isEmpty(), statement.getMessaging().isEmpty(),
                "$process-message and the messages it takes are declared together");
        for (var messaging : statement.getMessaging()) {
            List<String> fixtures = List.of("interim-in-progress", "final-response");
            List<String> definitions = messaging.getSupportedMessage().stream().map(m -> m.getDefinition()).toList();
            assertEquals(List.of(BarsMessaging.INTERIM_RESPONSE_DEFINITION, BarsMessaging.FULL_RESPONSE_DEFINITION),
                    definitions,
                    "declares messages no test sends");
            for (String fixture : fixtures) {
                BarsMessages.post(offeredOds, BarsMessages.message(fixture, UUID.fromString(referralId),
                        UUID.fromString(offerOf(referralId)), dosServiceId, offeredOds)).then().statusCode(200);
            }
            assertEquals(Task.TaskStatus.COMPLETED, client.read().resource(Task.class)
                    .withId(offerOf(referralId)).execute().getStatus());
        }
    }

    /** A value of the search parameter that matches the test's real referral (or its offer, or its audit trail). */
    private String searchValue(String type, String parameter, String referralId) {
        String today = "ge" + java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1);
        String key = type + "." + parameter;
        return switch (key) {
            case "ServiceRequest.status" -> "active";
            case "ServiceRequest.category" -> "C3";
            case "ServiceRequest.priority" -> "urgent";
            case "ServiceRequest.service-type", "Task.performer" -> ServiceType.FALLS_RESPONSE.code();
            case "ServiceRequest.patient", "Task.patient" -> "Patient/" + referralId;
            case "ServiceRequest._lastUpdated", "Task._lastUpdated", "AuditEvent.date" -> today;
            case "Task.status" -> "requested";
            case "Subscription.status" -> "requested,active,error";
            case "Task.focus" -> "ServiceRequest/" + referralId;
            case "AuditEvent.entity" -> "ServiceRequest/" + referralId;
            case "AuditEvent.altid" -> "provider-system-" + offeredOds;
            case "AuditEvent.outcome" -> "0";
            case "CodeSystem.url" -> ServiceType.SYSTEM;
            case "ValueSet.url" -> HubTerminology.VALUE_SET_BASE + "community-service-type";
            default -> fail("declares search parameter " + key + " that no test exercises");
        };
    }

    /** The parameter that narrows an _include search to the test's own referral. */
    private static String includeFilter(String type) {
        return type.equals("Task") ? "focus" : "patient";
    }

    private Bundle search(String type, String parameter, String valueAndMore) {
        String token = type.equals("AuditEvent") ? Tokens.auditor() : Tokens.provider(offeredOds);
        Response response = given().auth().oauth2(token).urlEncodingEnabled(false)
                .get("/fhir/" + type + "?" + parameter + "=" + valueAndMore);
        response.then().statusCode(200);
        return FHIR.newJsonParser().parseResource(Bundle.class, response.asString());
    }

    private static Set<String> ids(Bundle bundle) {
        return bundle.getEntry().stream().filter(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH)
                .map(e -> e.getResource().getIdElement().getIdPart()).collect(Collectors.toSet());
    }

    /** $set-capacity on the test's own service, through HAPI's client as a provider system would call it. */
    private void setCapacity(String type, String operation) {
        Parameters parameters = new Parameters();
        parameters.addParameter().setName("rag").setValue(new CodeType("AMBER"));
        parameters.addParameter().setName("places").setValue(new IntegerType(3));
        HealthcareService updated = client.operation().onInstance(new IdType(type, serviceId))
                .named("$" + operation).withParameters(parameters).returnResourceType(HealthcareService.class)
                .execute();
        assertEquals(serviceId, updated.getIdElement().getIdPart());
        assertEquals(List.of(3), TestDatabase.strings(
                "SELECT places::text FROM service_capacity WHERE service_id = ?", serviceId).stream()
                .map(Integer::parseInt).toList());
    }

    /**
     * What the statement says about updates beyond the interaction itself. Run after the declared update has moved
     * the resource on from version 1.
     */
    private void keepsItsUpdateClaims(CapabilityStatementRestResourceComponent resource, IdType id) {
        String type = resource.getType();
        if (resource.getVersioning() == ResourceVersionPolicy.VERSIONEDUPDATE) {
            PreconditionFailedException stale = assertThrows(PreconditionFailedException.class,
                    () -> answerOffer(id, "1"), "a version-aware update of " + type + " refuses a stale If-Match");
            assertInstanceOf(OperationOutcome.class, stale.getOperationOutcome());
        } else {
            assertFalse(resource.hasVersioning(), "declares versioning on " + type + " that no test exercises");
        }
        if (resource.hasUpdateCreate()) {
            assertFalse(resource.getUpdateCreate(), "declares update-as-create on " + type + "; test it as served");
            IdType unknown = new IdType(type, UUID.randomUUID().toString());
            assertThrows(ResourceNotFoundException.class, () -> answerOffer(unknown, "1"),
                    "an update of an unknown " + type + " creates nothing");
        }
    }

    @Test
    void everyInteractionNotDeclaredIsRefusedWithAnOperationOutcome() {
        Map<String, IdType> realIds = realIdsByType(postIncident());
        String referralVersion = client.read().resource(ServiceRequest.class)
                .withId(realIds.get("ServiceRequest").getIdPart()).execute().getMeta().getVersionId();

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
        assertEquals(referralVersion, unchanged.getMeta().getVersionId(), "no refused write changed the referral");
        assertEquals(ServiceRequest.ServiceRequestStatus.ACTIVE, unchanged.getStatus());
        Task offer = client.read().resource(Task.class).withId(realIds.get("Task").getIdPart()).execute();
        assertEquals("1", offer.getMeta().getVersionId(), "no refused write changed the offer");
        assertEquals(Task.TaskStatus.REQUESTED, offer.getStatus());
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
        Map<String, IdType> realIds = realIdsByType(postIncident());
        Set<String> declared = statement.getRestFirstRep().getResource().stream()
                .map(CapabilityStatementRestResourceComponent::getType).collect(Collectors.toSet());
        // Every real id, whatever type it belongs to: a type served under another type's ids is still served.
        Set<String> ids = realIds.values().stream().map(IdType::getIdPart).collect(Collectors.toSet());

        List<String> servedButUndeclared = new ArrayList<>();
        for (String type : FHIR.getResourceTypes()) {
            if (declared.contains(type)) {
                continue;
            }
            for (String id : ids) {
                int status = given().auth().oauth2(Tokens.provider(offeredOds)).get("/fhir/" + type + "/" + id)
                        .statusCode();
                if (status != 404) {
                    servedButUndeclared.add(type + "/" + id + " answered " + status);
                }
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
            case UPDATE -> type.equals("Task") ? answerOffer(id)
                    : type.equals("Subscription") ? turnOff(id)
                            : client.update().resource(blank(type).setIdElement(id)).execute().getResource();
            case PATCH -> type.equals("Task") ? patchOffer(id)
                    : client.patch()
                            .withBody("[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"revoked\"}]")
                            .withId(id).execute().getResource();
            case DELETE -> client.delete().resourceById(id).execute().getOperationOutcome();
            case HISTORYINSTANCE -> client.history().onInstance(id).returnBundle(Bundle.class).execute();
            case HISTORYTYPE -> client.history().onType(type).returnBundle(Bundle.class).execute();
            case CREATE -> type.equals("Task") ? claimACase()
                    : type.equals("Subscription") ? subscribe()
                            : client.create().resource(blank(type)).execute()
                                    .getResource();
            case SEARCHTYPE -> client.search().forResource(type).where(new StringClientParam("undeclared")
                    .matches().value("x")).returnBundle(Bundle.class).execute();
            case NULL -> throw new IllegalArgumentException("no interaction");
        };
    }

    /**
     * A rest-hook subscription of the test's organisation to the first topic the statement declares (its endpoint
     * listens nowhere: the handshake never arrives, which no interaction here depends on).
     */
    private Subscription subscribe() {
        MethodOutcome outcome = client.create().resource(subscription()).execute();
        assertEquals(201, outcome.getResponseStatusCode());
        Subscription created = (Subscription) outcome.getResource();
        assertEquals(Subscription.SubscriptionStatus.REQUESTED, created.getStatus());
        return created;
    }

    private Subscription subscription() {
        String topic = statement.getRestFirstRep().getResource().stream()
                .filter(r -> r.getType().equals("Subscription")).findFirst().orElseThrow()
                .getExtensionsByUrl("http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/"
                        + "capabilitystatement-subscriptiontopic-canonical")
                .get(0).getValue().primitiveValue();
        Subscription subscription = new Subscription().setStatus(Subscription.SubscriptionStatus.REQUESTED)
                .setReason("capability test").setCriteria(topic);
        subscription.getChannel().setType(Subscription.SubscriptionChannelType.RESTHOOK)
                .setEndpoint("http://127.0.0.1:9/notifications").setPayload("application/fhir+json");
        return subscription;
    }

    /** Updating a subscription: turned off. */
    private IBaseResource turnOff(IdType id) {
        Subscription off = subscription().setStatus(Subscription.SubscriptionStatus.OFF);
        off.setId(id.getIdPart());
        MethodOutcome outcome = client.update().resource(off).execute();
        assertEquals(Subscription.SubscriptionStatus.OFF, ((Subscription) outcome.getResource()).getStatus());
        return outcome.getResource();
    }

    /** JSON Patch on a Task answers the offer: the received offer (after the update) is accepted. */
    private IBaseResource patchOffer(IdType id) {
        MethodOutcome outcome = client.patch()
                .withBody("[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"accepted\"}]")
                .withId(id).execute();
        Task task = (Task) outcome.getResource();
        assertEquals(Task.TaskStatus.ACCEPTED, task.getStatus());
        return task;
    }

    /** Creating a Task claims a case: a second incident in the test's district, claimed by its service. */
    private IBaseResource claimACase() {
        String second = postIncident();
        Task claim = new Task().setStatus(Task.TaskStatus.ACCEPTED).setIntent(Task.TaskIntent.ORDER)
                .setFocus(new Reference("ServiceRequest/" + second));
        MethodOutcome outcome = client.create().resource(claim).execute();
        assertEquals(201, outcome.getResponseStatusCode());
        Task created = (Task) outcome.getResource();
        assertEquals(Task.TaskStatus.ACCEPTED, created.getStatus());
        assertEquals("ServiceRequest/" + second, created.getFocus().getReference());
        return created;
    }

    private static Resource blank(String type) {
        return (Resource) FHIR.getResourceDefinition(type).newInstance();
    }

    /**
     * Updating a Task is how the offered organisation answers its offer, so the real update is an answer: read the
     * Task for its version, then PUT it as received (the one answer that changes nothing else about the referral)
     * with that version in If-Match. The hub reads only status and statusReason from the body.
     */
    private IBaseResource answerOffer(IdType id) {
        Task read = client.read().resource(Task.class).withId(id.getIdPart()).execute();
        Task answered = (Task) answerOffer(id, read.getMeta().getVersionId());
        assertEquals(Task.TaskStatus.RECEIVED, answered.getStatus());
        return answered;
    }

    private IBaseResource answerOffer(IdType id, String ifMatchVersion) {
        Task task = new Task().setStatus(Task.TaskStatus.RECEIVED).setIntent(Task.TaskIntent.ORDER);
        task.setId(id.getIdPart());
        MethodOutcome outcome = client.update().resource(task)
                .withAdditionalHeader("If-Match", "W/\"" + ifMatchVersion + "\"").execute();
        assertEquals(200, outcome.getResponseStatusCode());
        return outcome.getResource();
    }

    /** A fall in the test's own district, posted by the CAD; returns the referral id once it has been offered. */
    private String postIncident() {
        ObjectNode event = CadWebhook.event("incident-created.json");
        ObjectNode location = (ObjectNode) event.at("/incident/location");
        location.put("postcode", TestServices.postcodeIn(district));
        location.remove("latitude");
        location.remove("longitude");
        String referralId = CadWebhook.post(event).then().statusCode(202).extract().path("referralId");
        TestDatabase.await("the referral is offered to the test's service",
                () -> offerOf(referralId) != null);
        return referralId;
    }

    private static String offerOf(String referralId) {
        List<String> offers = TestDatabase.strings("SELECT id::text FROM offer WHERE referral_id = ?::uuid", referralId);
        return offers.isEmpty() ? null : offers.get(0);
    }

    /**
     * One real id of every type the server renders: the ServiceRequest and everything it references, the offer's
     * Task, and a directory service with its organisation and endpoint.
     */
    private Map<String, IdType> realIdsByType(String referralId) {
        ServiceRequest request = client.read().resource(ServiceRequest.class).withId(referralId).execute();
        List<Reference> references = new ArrayList<>();
        references.add(request.getSubject());
        references.add(request.getEncounter());
        references.addAll(request.getLocationReference());
        references.addAll(request.getSupportingInfo());
        Map<String, IdType> ids = new LinkedHashMap<>();
        ids.put("ServiceRequest", new IdType("ServiceRequest", referralId));
        ids.put("Task", new IdType("Task", offerOf(referralId)));
        // The directory's resources, from a service of the test directory.
        HealthcareService service = client.read().resource(HealthcareService.class).withId("test-ucr").execute();
        ids.put("HealthcareService", new IdType("HealthcareService", "test-ucr"));
        references.add(service.getProvidedBy());
        references.addAll(service.getEndpoint());
        references.forEach(r -> ids.putIfAbsent(r.getReferenceElement().getResourceType(),
                new IdType(r.getReferenceElement().getResourceType(), r.getReferenceElement().getIdPart())));
        ids.put("OperationDefinition", new IdType("OperationDefinition", SetCapacityOperation.DEFINITION_ID));
        // The audit record of the ServiceRequest read above.
        Bundle trail = search("AuditEvent", "entity", "ServiceRequest/" + referralId);
        ids.put("AuditEvent", new IdType("AuditEvent", ids(trail).iterator().next()));
        ids.put("Subscription", subscribe().getIdElement().toUnqualifiedVersionless());
        ids.put("Basic", new IdType("Basic", "offer"));
        // The hub's own terminology: the CodeSystem of the community service types and its ValueSet.
        ids.put("CodeSystem", new IdType("CodeSystem", "community-service-type"));
        ids.put("ValueSet", new IdType("ValueSet", "community-service-type"));
        return ids;
    }
}

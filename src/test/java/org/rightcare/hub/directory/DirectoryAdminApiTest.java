package org.rightcare.hub.directory;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rightcare.hub.testing.DirectoryFixtures.asAdmin;
import static org.rightcare.hub.testing.DirectoryFixtures.serviceDefinition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.Tokens;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The admin API of the directory: changes are visible at once to routing, audited with who and what, and every bad
 * caller or body gets a 4xx and changes nothing. Each test works on services of its own (outside the test
 * directory's area, see DirectoryFixtures) and removes them afterwards, because every test class shares one
 * database.
 */
@QuarkusTest
class DirectoryAdminApiTest {

    private static final String SERVICES = "/admin/directory/services/";

    @Inject
    ServiceDirectory directory;

    private final List<String> created = new ArrayList<>();

    @AfterEach
    void removeTheServicesThisTestCreated() {
        created.forEach(id -> asAdmin().delete(SERVICES + id));
    }

    // ------------------------------------------------------------------ changes

    @Test
    void createsAServiceThatRoutingSeesAtOnceAndAuditsWhoDidIt() {
        String id = newId();
        long version = directoryVersion();

        asAdmin().contentType("application/json").body(serviceDefinition(id)).put(SERVICES + id)
                .then().statusCode(201)
                .contentType("application/json")
                .body("id", equalTo(id))
                .body("organisation.odsCode", equalTo("TST09"))
                .body("openingHours.availableTime[0].start", equalTo("08:00"));

        asAdmin().get(SERVICES + id).then().statusCode(200).body("name", equalTo("Shetland Urgent Community Response"));
        asAdmin().get(SERVICES).then().statusCode(200).body("id", hasItem(id));
        CommunityService seen = directory.find(id).orElseThrow();
        assertEquals(ServiceType.UCR, seen.type());
        assertEquals(Duration.ofMinutes(15), seen.acceptanceWindow());
        assertEquals(version + 1, directoryVersion());
        assertEquals(1, TestDatabase.count("""
                SELECT count(*) FROM audit_event WHERE entity_type = 'directory-service' AND entity_id = ?
                AND action = 'directory-service.create' AND actor = 'admin-alice' AND actor_organisation = 'QKS'
                AND outcome = 'success' AND detail -> 'before' = 'null'::jsonb
                AND detail -> 'after' ->> 'name' = 'Shetland Urgent Community Response'
                """, id));
    }

    @Test
    void replacesAServiceAndAuditsOnlyWhatChanged() {
        String id = create();
        ObjectNode changed = serviceDefinition(id);
        changed.put("acceptanceWindowMinutes", 25);

        asAdmin().contentType("application/json").body(changed).put(SERVICES + id)
                .then().statusCode(200).body("acceptanceWindowMinutes", equalTo(25));

        assertEquals(Duration.ofMinutes(25), directory.find(id).orElseThrow().acceptanceWindow());
        assertEquals(1, TestDatabase.count("""
                SELECT count(*) FROM audit_event WHERE entity_id = ? AND action = 'directory-service.update'
                AND detail -> 'changed' = '["acceptanceWindowMinutes"]'::jsonb
                AND detail -> 'before' ->> 'acceptanceWindowMinutes' = '15'
                AND detail -> 'after' ->> 'acceptanceWindowMinutes' = '25'
                """, id));

        // The same body again changes nothing, so there is nothing to audit and no new version.
        long version = directoryVersion();
        long audited = auditRows(id);
        asAdmin().contentType("application/json").body(changed).put(SERVICES + id).then().statusCode(200);
        assertEquals(version, directoryVersion());
        assertEquals(audited, auditRows(id));
    }

    @Test
    void takesTheIdFromThePathWhenTheBodyHasNone() {
        String id = newId();
        ObjectNode body = serviceDefinition(id);
        body.remove("id");
        created.add(id);
        asAdmin().contentType("application/json").body(body).put(SERVICES + id)
                .then().statusCode(201).body("id", equalTo(id));
    }

    @Test
    void deletesAServiceWithItsCapacity() {
        String id = create();
        asAdmin().contentType("application/json").body("{\"rag\":\"RED\"}").put(SERVICES + id + "/capacity")
                .then().statusCode(200);

        asAdmin().delete(SERVICES + id).then().statusCode(204);

        asAdmin().get(SERVICES + id).then().statusCode(404).contentType("application/problem+json");
        assertTrue(directory.find(id).isEmpty());
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM service_capacity WHERE service_id = ?", id));
        assertEquals(1, TestDatabase.count("""
                SELECT count(*) FROM audit_event WHERE entity_id = ? AND action = 'directory-service.delete'
                AND detail -> 'after' = 'null'::jsonb AND detail -> 'before' ->> 'id' = ?
                """, id, id));
        asAdmin().delete(SERVICES + id).then().statusCode(404);
    }

    // ------------------------------------------------------------------ capacity

    @Test
    void setsCapacityAndAuditsIt() {
        String id = create();
        asAdmin().get(SERVICES + id + "/capacity").then().statusCode(200)
                .body("rag", equalTo("GREEN")).body("places", nullValue()).body("hasRoom", equalTo(true));

        asAdmin().contentType("application/json").body("{\"rag\":\"AMBER\",\"places\":2}")
                .put(SERVICES + id + "/capacity")
                .then().statusCode(200)
                .body("serviceId", equalTo(id)).body("rag", equalTo("AMBER")).body("places", equalTo(2))
                .body("hasRoom", equalTo(true));
        asAdmin().contentType("application/json").body("{\"rag\":\"RED\",\"places\":null}")
                .put(SERVICES + id + "/capacity")
                .then().statusCode(200).body("hasRoom", equalTo(false));

        asAdmin().get(SERVICES + id + "/capacity").then().statusCode(200).body("rag", equalTo("RED"));
        assertEquals(1, TestDatabase.count("""
                SELECT count(*) FROM audit_event WHERE entity_type = 'service-capacity' AND entity_id = ?
                AND action = 'capacity.update' AND actor = 'admin-alice' AND actor_organisation = 'QKS'
                AND detail -> 'before' ->> 'rag' = 'AMBER' AND detail -> 'after' ->> 'rag' = 'RED'
                """, id));
    }

    @Test
    void refusesBadCapacityAndChangesNothing() {
        String id = create();
        long audited = auditRows(id);

        asAdmin().contentType("application/json").body("{\"rag\":\"PURPLE\",\"places\":-1,\"beds\":3}")
                .put(SERVICES + id + "/capacity")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors.pointer", containsInAnyOrder("/rag", "/places", "/beds"));
        asAdmin().contentType("application/json").body("{\"rag\":\"GREEN\"}").put(SERVICES + "no-such-service/capacity")
                .then().statusCode(404).contentType("application/problem+json");
        asAdmin().get(SERVICES + "no-such-service/capacity").then().statusCode(404);
        asAdmin().contentType("application/json").body("{\"rag\":").put(SERVICES + id + "/capacity")
                .then().statusCode(400).contentType("application/problem+json");

        assertEquals(0, TestDatabase.count("SELECT count(*) FROM service_capacity WHERE service_id = ?", id));
        assertEquals(audited, auditRows(id));
    }

    // ------------------------------------------------------------------ bad bodies

    @Test
    void refusesAnInvalidDefinitionNamingEveryBadFieldAndChangesNothing() {
        String id = newId();
        ObjectNode body = serviceDefinition(id);
        body.put("type", "ambulance");
        ((ObjectNode) body.get("organisation")).put("odsCode", "tst 9");
        ((ObjectNode) body.at("/catchment")).putArray("postcodeDistricts").add("ZE1 0AA");
        ((ObjectNode) body.at("/eligibility/age")).put("max", 10);
        ((ObjectNode) body.get("endpoint")).put("kind", "carrier-pigeon");
        long services = TestDatabase.rows("directory_service");
        long audits = TestDatabase.rows("audit_event");
        long version = directoryVersion();

        asAdmin().contentType("application/json").body(body).put(SERVICES + id)
                .then().statusCode(422).contentType("application/problem+json")
                .body("status", equalTo(422))
                .body("errors.pointer", containsInAnyOrder("/type", "/organisation/odsCode",
                        "/catchment/postcodeDistricts/0", "/eligibility/age", "/endpoint/kind"));

        assertEquals(services, TestDatabase.rows("directory_service"));
        assertEquals(audits, TestDatabase.rows("audit_event"));
        assertEquals(version, directoryVersion());
        assertTrue(directory.find(id).isEmpty());
    }

    @Test
    void refusesABodyWhoseIdIsNotThePathId() {
        String id = newId();
        asAdmin().contentType("application/json").body(serviceDefinition("someone-else")).put(SERVICES + id)
                .then().statusCode(422).body("errors.pointer", containsInAnyOrder("/id"));
        asAdmin().get(SERVICES + id).then().statusCode(404);
    }

    @Test
    void refusesASecondNameForAnOrganisationAlreadyInTheDirectory() {
        String id = newId();
        ObjectNode body = serviceDefinition(id);
        ((ObjectNode) body.get("organisation")).put("odsCode", "TST01").put("name", "Another Name NHS Trust");

        asAdmin().contentType("application/json").body(body).put(SERVICES + id)
                .then().statusCode(422)
                .body("errors[0].pointer", equalTo("/organisation/name"))
                .body("errors[0].detail", equalTo("organisation TST01 is named 'Testshire Community Health NHS Trust' "
                        + "by service test-falls; one ODS code has one name"));
        assertTrue(directory.find(id).isEmpty());
        assertEquals(0, auditRows(id));
    }

    @Test
    void refusesABodyThatIsNotJson() {
        String id = newId();
        asAdmin().contentType("application/json").body("{\"id\": ").put(SERVICES + id)
                .then().statusCode(400).contentType("application/problem+json");
        asAdmin().contentType("text/plain").body("id: x").put(SERVICES + id).then().statusCode(415);
        asAdmin().get(SERVICES + id).then().statusCode(404);
    }

    // ------------------------------------------------------------------ callers

    @Test
    void refusesCallersWithoutATokenOrWithoutTheAdminRoleAndChangesNothing() {
        String id = newId();
        String provider = Tokens.provider("TST01");
        long audits = TestDatabase.rows("audit_event");
        long version = directoryVersion();

        given().get(SERVICES).then().statusCode(401).contentType("application/problem+json");
        given().get(SERVICES + "test-ucr").then().statusCode(401);
        given().contentType("application/json").body(serviceDefinition(id)).put(SERVICES + id).then().statusCode(401);
        given().delete(SERVICES + "test-ucr").then().statusCode(401);
        given().contentType("application/json").body("{\"rag\":\"RED\"}").put(SERVICES + "test-ucr/capacity")
                .then().statusCode(401);
        given().auth().oauth2("not-a-token").get(SERVICES).then().statusCode(401);

        given().auth().oauth2(provider).get(SERVICES).then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(provider).contentType("application/json").body(serviceDefinition(id)).put(SERVICES + id)
                .then().statusCode(403);
        given().auth().oauth2(provider).delete(SERVICES + "test-ucr").then().statusCode(403);
        given().auth().oauth2(provider).contentType("application/json").body("{\"rag\":\"RED\"}")
                .put(SERVICES + "test-ucr/capacity").then().statusCode(403);

        assertTrue(directory.find("test-ucr").isPresent());
        assertTrue(directory.find(id).isEmpty());
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM service_capacity WHERE service_id = 'test-ucr'"));
        assertEquals(audits, TestDatabase.rows("audit_event"));
        assertEquals(version, directoryVersion());
    }

    // ------------------------------------------------------------------ helpers

    private String create() {
        String id = newId();
        asAdmin().contentType("application/json").body(serviceDefinition(id)).put(SERVICES + id).then().statusCode(201);
        return id;
    }

    private String newId() {
        String id = "admin-test-" + UUID.randomUUID().toString().substring(0, 8);
        created.add(id);
        return id;
    }

    private static long directoryVersion() {
        return TestDatabase.count("SELECT version FROM directory_state");
    }

    private static long auditRows(String entityId) {
        return TestDatabase.count("SELECT count(*) FROM audit_event WHERE entity_id = ?", entityId);
    }
}

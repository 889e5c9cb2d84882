package org.rightcare.hub.testing;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.restassured.specification.RequestSpecification;

/**
 * Service definitions and an administrator for tests that change the directory. The definition is the fixture
 * {@code src/test/resources/directory/admin-service.json} that the README's curl example puts: a UCR in Shetland
 * (ZE1, ZE2), far from the test directory's area, so a service a test adds never becomes a candidate in another
 * test's routing.
 */
public final class DirectoryFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DirectoryFixtures() {
    }

    /** The fixture with another id. */
    public static ObjectNode serviceDefinition(String id) {
        try (InputStream in = DirectoryFixtures.class.getResourceAsStream("/directory/admin-service.json")) {
            ObjectNode node = (ObjectNode) JSON.readTree(in);
            node.put("id", id);
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A caller with the hub-admin role, acting for the ICB (ODS code QKS). */
    public static RequestSpecification asAdmin() {
        return given().auth().oauth2(Tokens.issue("admin-alice", "QKS", List.of("hub-admin")));
    }
}

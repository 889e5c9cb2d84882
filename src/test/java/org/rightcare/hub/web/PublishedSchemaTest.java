package org.rightcare.hub.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rightcare.hub.support.YamlDocument;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.regex.JoniRegularExpressionFactory;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The directory's and the routing policy's JSON Schemas are served where editors can fetch them, and describe the files
 * the hub ships: each file that names its schema on its first line (as ICB engineers' files will) passes that schema
 * read as an editor's validator reads it (2020-12, ECMA-262 patterns), and the schema named is the one served.
 */
@QuarkusTest
class PublishedSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MODELINE = Pattern.compile("\\A# yaml-language-server: \\$schema=(\\S+)\\n");

    private static Schema served(String path, String fragment) throws IOException {
        String text = given().get(path).then().statusCode(200).contentType("application/schema+json").extract()
                .asString();
        String id = JSON.readTree(text).path("$id").asText();
        SchemaRegistryConfig config = SchemaRegistryConfig.builder()
                .regularExpressionFactory(JoniRegularExpressionFactory.getInstance()).formatAssertionsEnabled(true)
                .build();
        return SchemaRegistry.withDialect(Dialects.getDraft202012(),
                builder -> builder.schemaRegistryConfig(config).schemas(java.util.Map.of(id, text)))
                .getSchema(SchemaLocation.of(id + fragment));
    }

    @ParameterizedTest(name = "{1} passes {0}")
    @CsvSource({
            "/directory/v1/schema/directory.schema.json, src/main/resources/directory/demo-directory.yaml",
            "/directory/v1/schema/directory.schema.json, src/test/resources/directory/test-directory.yaml",
            "/routing/v1/schema/routing-policy.schema.json, src/main/resources/routing/default-policy.yaml" })
    void theShippedFilesNameTheirSchemaAndPassIt(String path, String file) throws IOException {
        String text = Files.readString(Path.of(file));
        Matcher modeline = MODELINE.matcher(text);
        assertTrue(modeline.find(), file + " names its schema for editors on its first line");
        Path named = Path.of(file).getParent().resolve(modeline.group(1)).normalize();
        String servedText = given().get(path).then().extract().asString();
        assertEquals(Files.readString(named), servedText, file + " names the schema the hub serves");

        // Read as the hub reads it (YAML 1.2, anchors and aliases expanded, as editors do), not with a plain YAMLMapper,
        // which leaves the policy's shared red-flag list (an alias) as something no schema describes.
        List<Error> errors = served(path, "").validate(YamlDocument.parse(file, text).root());

        assertEquals(List.of(), errors, file);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "/directory/v1/schema/directory.schema.json", "/routing/v1/schema/routing-policy.schema.json" })
    void everyPatternIsPortableEcma262(String path) throws IOException {
        JsonNode schema = JSON.readTree(given().get(path).then().statusCode(200).extract().asString());
        Pattern inlineModifier = Pattern.compile("\\(\\?(?![:=!]|<[=!]|<[A-Za-z])");

        List<String> patterns = schema.findValues("pattern").stream().map(JsonNode::asText).toList();

        assertFalse(patterns.isEmpty());
        patterns.forEach(p -> assertFalse(inlineModifier.matcher(p).find(), "not ECMA-262: " + p));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "directory/admin-service.json" })
    void anAdminApiEntryIsOneServiceOfTheDirectorySchema(String fixture) throws IOException {
        JsonNode entry;
        try (InputStream in = PublishedSchemaTest.class.getClassLoader().getResourceAsStream(fixture)) {
            entry = JSON.readTree(in);
        }
        Schema service = served("/directory/v1/schema/directory.schema.json", "#/$defs/service");

        assertEquals(List.of(), service.validate(entry));
        ((com.fasterxml.jackson.databind.node.ObjectNode) entry).put("acceptanceWindowMinutes", 0);
        assertFalse(service.validate(entry).isEmpty(), "the schema refuses what the admin API refuses");
        assertFalse(service.validate(entry.toString(), InputFormat.JSON).isEmpty());
    }
}

package org.rightcare.hub.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How a schema's failures are said, the same for every document the hub reads: by pointer, in the hub's words or the
 * schema's own {@code errorMessage}, once per value; values quoted only where the document carries no patient data; and
 * what passed bound into a record with the refused values left out.
 */
class DocumentSchemaTest {

    private static final String SCHEMA = "/support/sayings.schema.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A record the test schema's documents bind into. */
    record Sayings(String name, String budget, Integer size, String kind, Instant when) {
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void namesEachFieldAndQuotesTheValueInAConfigurationFile() throws Exception {
        List<FieldError> errors = DocumentSchema.load(SCHEMA, true).check(json("""
                {"name": " ", "size": 12, "kind": "c", "extra": 1, "place": {"latitude": 51}}
                """));

        assertEquals(List.of(
                new FieldError("/name", "'name' must not be blank"),
                new FieldError("/size", "'size' must be 1 to 9; got 12"),
                new FieldError("/kind", "'kind' must be one of a, b; got 'c'"),
                new FieldError("/place", "'place' needs a postcode or coordinates"),
                new FieldError("/extra", "'extra' is not a known field; expected one of budget, kind, name, place, size, when"),
                new FieldError("/budget", "'budget' must be an ISO-8601 duration such as PT60M")), errors);
    }

    @Test
    void neverEchoesAValueFromADocumentWithPatientData() throws Exception {
        List<FieldError> errors = DocumentSchema.load(SCHEMA, false).check(json("""
                {"name": "Edith", "budget": 5, "kind": "Marsh"}
                """));

        assertEquals(List.of(new FieldError("/budget", "must be an ISO-8601 duration such as PT60M"),
                new FieldError("/kind", "must be one of a, b")), errors);
    }

    @Test
    void bindsWhatPassedAndLeavesOutWhatWasRefused() throws Exception {
        DocumentSchema schema = DocumentSchema.load(SCHEMA, false);
        JsonNode document = json("""
                {"name": "x", "budget": "PT1H", "size": 12, "when": "2026-11-22T14:03:12Z"}
                """);
        List<FieldError> errors = new ArrayList<>(schema.check(document));

        Sayings bound = DocumentSchema.bind(DocumentSchema.passed(document, errors), "",
                DocumentSchema.binder().build().readerFor(Sayings.class), errors);

        assertEquals("x", bound.name());
        assertNull(bound.size(), "the refused size is left out, so rules across fields never see it");
        assertEquals(Instant.parse("2026-11-22T14:03:12Z"), bound.when());
        assertEquals(List.of(new FieldError("/size", "must be 1 to 9")), errors);
        assertEquals(12, document.path("size").asInt(), "the document itself is left as it was read");
    }
}

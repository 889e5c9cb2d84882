package org.rightcare.hub.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** The YAML reader behind every configuration file: lines by JSON pointer, YAML 1.2 scalars, and its own errors. */
class YamlDocumentTest {

    private static final String FILE = "config.yaml";

    @Test
    void remembersTheLineOfEveryValueByJsonPointer() {
        YamlDocument document = YamlDocument.parse(FILE, """
                # a comment
                services:
                  - id: first
                    hours:
                      start: "08:00"
                  - {id: second, tags: [a, b]}
                "odd/key~": 1
                """);
        assertEquals(2, document.lineOf("/services"));
        assertEquals(3, document.lineOf("/services/0"));
        assertEquals(3, document.lineOf("/services/0/id"));
        assertEquals(4, document.lineOf("/services/0/hours"));
        assertEquals(5, document.lineOf("/services/0/hours/start"));
        assertEquals(6, document.lineOf("/services/1/tags/1"));
        assertEquals(7, document.lineOf("/odd~1key~0"));
        // A field that is missing is placed at the nearest value that exists.
        assertEquals(5, document.lineOf("/services/0/hours/start/nothing"));
        assertEquals(4, document.lineOf("/services/0/hours/end"));
        assertEquals(new ConfigProblem(FILE, 4, "/services/0/hours/end", "end is required"),
                document.problem("/services/0/hours/end", "end is required"));
    }

    @Test
    void keepsScalarsAsWrittenUnlessTheyAreTrueFalseOrPlainDecimals() {
        JsonNode root = YamlDocument.parse(FILE, """
                country: NO
                answer: yes
                code: 0121
                time: 18:30
                hex: 0x1F
                count: 15
                big: 12345678901
                latitude: 51.2720
                flag: true
                nothing: ~
                empty:
                """).root();
        assertTrue(root.get("country").isTextual());
        assertEquals("NO", root.get("country").asText());
        assertEquals("yes", root.get("answer").asText());
        assertEquals("0121", root.get("code").textValue());
        assertEquals("18:30", root.get("time").textValue());
        assertEquals("0x1F", root.get("hex").textValue());
        assertEquals(15, root.get("count").intValue());
        assertEquals(12345678901L, root.get("big").longValue());
        assertEquals("51.2720", root.get("latitude").decimalValue().toPlainString());
        assertTrue(root.get("flag").booleanValue());
        assertTrue(root.get("nothing").isNull());
        assertTrue(root.get("empty").isNull());
    }

    @Test
    void resolvesAnchorsAndAliases() {
        JsonNode root = YamlDocument.parse(FILE, """
                trust: &trust {odsCode: XWC, name: Wealdshire Community Health}
                weekdays: &weekdays [mon, tue, wed, thu, fri]
                fall: &fall "1912002"
                services:
                  - organisation: *trust
                    days: *weekdays
                    code: *fall
                """).root();
        assertEquals("XWC", root.at("/services/0/organisation/odsCode").asText());
        assertEquals(5, root.at("/services/0/days").size());
        assertEquals("1912002", root.at("/services/0/code").textValue());
    }

    @Test
    void reportsAKeyGivenTwiceAtItsLine() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> YamlDocument.parse(FILE, """
                        id: one
                        name: first
                        id: two
                        """));
        assertEquals(List.of(new ConfigProblem(FILE, 3, "", "'id' is given twice in the same mapping (first at line 1)")),
                e.problems());
    }

    @Test
    void reportsAnAliasWithoutAnAnchorAtItsLine() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> YamlDocument.parse(FILE, """
                        id: one
                        organisation: *nowhere
                        """));
        assertEquals(List.of(new ConfigProblem(FILE, 2, "", "alias *nowhere has no anchor &nowhere above it")),
                e.problems());
    }

    @Test
    void reportsBrokenYamlAtItsLine() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> YamlDocument.parse(FILE, """
                        services:
                          - id: one
                           name: misaligned
                        """));
        assertEquals(1, e.problems().size());
        assertEquals(3, e.problems().get(0).line());
        assertTrue(e.getMessage().startsWith("config.yaml:3: not valid YAML: "), e.getMessage());
    }

    @Test
    void refusesASecondDocument() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> YamlDocument.parse(FILE, "a: 1\n---\nb: 2\n"));
        assertEquals(List.of(new ConfigProblem(FILE, 2, "",
                "only one YAML document is allowed per file; remove this '---' and what follows")), e.problems());
    }

    @Test
    void listsProblemsOnePerLineAsFileLineReasonPointer() {
        InvalidConfigurationException e = new InvalidConfigurationException(List.of(
                new ConfigProblem("d.yaml", 3, "/services/0/type", "unknown service type 'x'"),
                new ConfigProblem("d.yaml", 9, "", "a directory file is a mapping")));
        assertEquals("d.yaml:3: unknown service type 'x' (/services/0/type)\nd.yaml:9: a directory file is a mapping (/)",
                e.getMessage());
    }
}

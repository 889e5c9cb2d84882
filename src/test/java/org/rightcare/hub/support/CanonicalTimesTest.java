package org.rightcare.hub.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * Reading times without a DateTimeFormatter changes nothing a reader sees: every text, canonical or not, valid or not,
 * reads to the same value, or fails, as Jackson's own java.time reading has it.
 */
class CanonicalTimesTest {

    private static final ObjectMapper JACKSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE).build();
    private static final ObjectMapper CANONICAL_FIRST = JsonMapper.builder().addModule(new JavaTimeModule())
            .addModule(CanonicalTimes.module())
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE).build();

    /** Texts at and just past every edge of the canonical forms. */
    private static final List<String> EDGES = List.of(
            "2026-11-22T14:03:12Z", "2026-11-22T14:03:12.1Z", "2026-11-22T14:03:12.120Z",
            "2026-11-22T14:03:12.123456789Z", "2026-11-22T14:03:12.1234567890Z", "2026-11-22T14:03:12.Z",
            "2026-11-22T14:03:12,5Z", "2026-11-22t14:03:12z", "2026-11-22T14:03:12+00:00", "2026-11-22T14:03:12+01:00",
            "2026-11-22T14:03:12", "2026-11-22T24:00:00Z", "2026-12-31T23:59:60Z", "2026-11-22T23:60:00Z",
            "2026-11-22T14:03:61Z", "2026-02-29T00:00:00Z", "2024-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
            "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z", "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z", "+2026-11-22T14:03:12Z", "-0001-11-22T14:03:12Z", " 2026-11-22T14:03:12Z",
            "2026-11-22T14:03:12Z ", "2026-1a-22T14:03:12Z", "2026-11-22T1:03:12Z", "1700000000", "1700000000.5", "",
            "2026-11-22", "1938-04-02", "2026-02-29", "2024-02-29", "2026-04-31", "2026-13-01", "2026-00-01",
            "0000-01-01", "1938-4-02", "19380402", "1938-04-02T00:00:00", "1938-04-02T00:00:00Z", " 1938-04-02",
            "1938-04-0x", "10000-01-01");

    @Test
    void readsEveryEdgeAsJacksonDoes() throws Exception {
        for (String text : EDGES) {
            assertSameReading(text, Instant.class);
            assertSameReading(text, LocalDate.class);
        }
    }

    @Test
    void readsRandomTimesAndDatesAsJacksonDoes() throws Exception {
        Random random = new Random(21);
        for (int i = 0; i < 5_000; i++) {
            long seconds = random.nextLong(Instant.parse("0000-01-01T00:00:00Z").getEpochSecond(),
                    Instant.parse("9999-12-31T23:59:59Z").getEpochSecond());
            Instant instant = Instant.ofEpochSecond(seconds, random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000));
            String text = instant.toString();
            int digits = random.nextInt(10);
            String fraction = String.format("%09d", instant.getNano()).substring(0, digits);
            String written = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC)
                    .format(instant) + (digits == 0 ? "" : "." + fraction) + "Z";
            assertSameReading(text, Instant.class);
            assertSameReading(written, Instant.class);
            assertSameReading(mutated(written, random), Instant.class);
            String date = LocalDate.ofInstant(instant, ZoneOffset.UTC).toString();
            assertSameReading(date, LocalDate.class);
            assertSameReading(mutated(date, random), LocalDate.class);
        }
    }

    @Test
    void readsTheCanonicalFormsItself() {
        assertEquals(Instant.parse("2026-11-22T14:03:12.120Z"), CanonicalTimes.instant("2026-11-22T14:03:12.120Z"));
        assertEquals(Instant.parse("2026-11-22T14:03:12Z"), CanonicalTimes.instant("2026-11-22T14:03:12Z"));
        assertEquals(LocalDate.parse("1938-04-02"), CanonicalTimes.localDate("1938-04-02"));
    }

    /** A record as the hub's documents have them, and one with a format of its own. */
    record Dated(Instant when, LocalDate day) {
    }

    record Formatted(@JsonFormat(pattern = "dd/MM/yyyy") LocalDate day) {
    }

    @Test
    void standsInFrontOfTheDocumentBindersAndTheHubsMapper() throws Exception {
        ObjectMapper hubs = JsonMapper.builder().addModule(new JavaTimeModule()).build();
        new CanonicalTimesCustomizer().customize(hubs);
        for (ObjectMapper mapper : List.of(DocumentSchema.binder().build(), hubs)) {
            DefaultDeserializationContext context = ((DefaultDeserializationContext) mapper
                    .getDeserializationContext()).createInstance(mapper.getDeserializationConfig(), null, null);
            for (Class<?> type : List.of(Instant.class, LocalDate.class)) {
                String reader = context.findRootValueDeserializer(mapper.constructType(type)).getClass().getName();
                assertTrue(reader.contains("CanonicalFirst"), type + " is read by " + reader);
            }
            BeanDeserializerBase record = (BeanDeserializerBase) context
                    .findRootValueDeserializer(mapper.constructType(Dated.class));
            for (String property : List.of("when", "day")) {
                String reader = record.findProperty(property).getValueDeserializer().getClass().getName();
                assertTrue(reader.contains("CanonicalFirst"), property + " is read by " + reader);
            }
            assertEquals(new Dated(Instant.parse("2026-11-22T14:03:12Z"), LocalDate.parse("1938-04-02")),
                    mapper.readValue("{\"when\": \"2026-11-22T14:03:12Z\", \"day\": \"1938-04-02\"}", Dated.class));
        }
    }

    @Test
    void leavesAPropertysOwnFormatToJackson() throws Exception {
        for (String day : List.of("\"1938-04-02\"", "\"02/04/1938\"")) {
            String json = "{\"day\": " + day + "}";
            assertEquals(readOrFailure(JACKSON, json, Formatted.class), readOrFailure(CANONICAL_FIRST, json, Formatted.class),
                    day);
        }
        assertEquals(new Formatted(LocalDate.parse("1938-04-02")),
                CANONICAL_FIRST.readValue("{\"day\": \"02/04/1938\"}", Formatted.class));
    }

    /** The text with one character changed, dropped or doubled. */
    private static String mutated(String text, Random random) {
        StringBuilder changed = new StringBuilder(text);
        int at = random.nextInt(text.length());
        switch (random.nextInt(3)) {
            case 0 -> changed.setCharAt(at, "0123456789-:.TZtz+ "
                    .charAt(random.nextInt(19)));
            case 1 -> changed.deleteCharAt(at);
            default -> changed.insert(at, text.charAt(at));
        }
        return changed.toString();
    }

    private static void assertSameReading(String text, Class<?> type) throws Exception {
        String json = JACKSON.writeValueAsString(text);
        Object expected = readOrFailure(JACKSON, json, type);
        Object actual = readOrFailure(CANONICAL_FIRST, json, type);
        assertNotNull(actual);
        assertEquals(expected, actual, type.getSimpleName() + " from '" + text + "'");
    }

    /** The value read, or the failure's kind and message. */
    private static Object readOrFailure(ObjectMapper mapper, String json, Class<?> type) {
        try {
            Object value = mapper.readValue(json, type);
            return value == null ? "null" : value;
        } catch (Exception e) {
            List<String> failure = new ArrayList<>();
            failure.add(e.getClass().getName());
            failure.add(e.getMessage().lines().findFirst().orElse(""));
            return failure;
        }
    }
}

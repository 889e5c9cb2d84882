package org.rightcare.hub.support;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.ResolvableDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;

/**
 * Reads the java.time values the hub's documents carry in their canonical ISO forms ({@code 2026-11-22T14:03:12Z},
 * {@code 2026-11-22T14:03:12.120Z}, {@code 1938-04-02}) without a {@code DateTimeFormatter}, whose parse was a fifth
 * of binding a CAD event and of reading a referral's stored incident. Only text in exactly those forms is read here,
 * to the value the formatter gives it; any other text, and any other token, goes to the deserializer Jackson chose
 * (its lenient forms, its errors, a {@code @JsonFormat}), so what is accepted and what it means do not change.
 */
public final class CanonicalTimes {

    private CanonicalTimes() {
    }

    /** The module that puts the canonical readers in front of Jackson's own {@code Instant} and {@code LocalDate}. */
    public static SimpleModule module() {
        return new SimpleModule("canonical-times").setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription description,
                    JsonDeserializer<?> deserializer) {
                Class<?> type = description.getBeanClass();
                if (type == Instant.class || type == LocalDate.class) {
                    return new CanonicalFirst(type, deserializer);
                }
                return deserializer;
            }
        });
    }

    /**
     * {@code text} as an instant if it is {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} with a real date and time of day;
     * null otherwise (read by the JDK then: lower case letters, offsets, 24:00, leap seconds, errors).
     */
    static Instant instant(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        LocalDate date = localDate(text.substring(0, 10));
        int hour = twoDigits(text, 11);
        int minute = twoDigits(text, 14);
        int second = twoDigits(text, 17);
        if (date == null || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (length > 20) {
            int digits = length - 21;
            if (text.charAt(19) != '.' || digits < 1) {
                return null;
            }
            for (int i = 20; i < length - 1; i++) {
                int digit = text.charAt(i) - '0';
                if (digit < 0 || digit > 9) {
                    return null;
                }
                nanos = nanos * 10 + digit;
            }
            for (int i = digits; i < 9; i++) {
                nanos *= 10;
            }
        }
        long seconds = LocalDateTime.of(date.getYear(), date.getMonthValue(), date.getDayOfMonth(), hour, minute, second)
                .toEpochSecond(ZoneOffset.UTC);
        return Instant.ofEpochSecond(seconds, nanos);
    }

    /** {@code text} as a date if it is {@code yyyy-MM-dd} and a real date; null otherwise. */
    static LocalDate localDate(String text) {
        if (text.length() != 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
            return null;
        }
        int century = twoDigits(text, 0);
        int year = twoDigits(text, 2);
        int month = twoDigits(text, 5);
        int day = twoDigits(text, 8);
        if (century < 0 || year < 0 || month < 1 || month > 12 || day < 1 || day > 31) {
            return null;
        }
        try {
            return LocalDate.of(century * 100 + year, month, day);
        } catch (DateTimeException e) {
            // 30 February and the like: the JDK's reader says why.
            return null;
        }
    }

    /** The two decimal digits at {@code at}, or -1. */
    private static int twoDigits(String text, int at) {
        int tens = text.charAt(at) - '0';
        int units = text.charAt(at + 1) - '0';
        if (tens < 0 || tens > 9 || units < 0 || units > 9) {
            return -1;
        }
        return tens * 10 + units;
    }

    /** The canonical reader, then the deserializer Jackson chose for everything else. */
    private static final class CanonicalFirst extends StdScalarDeserializer<Object>
            implements ContextualDeserializer, ResolvableDeserializer {
        private static final long serialVersionUID = 1L;
        private final transient JsonDeserializer<?> chosen;

        CanonicalFirst(Class<?> type, JsonDeserializer<?> chosen) {
            super(type);
            this.chosen = chosen;
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.hasToken(JsonToken.VALUE_STRING)) {
                String text = parser.getText();
                Object canonical = handledType() == Instant.class ? instant(text) : localDate(text);
                if (canonical != null) {
                    return canonical;
                }
            }
            return chosen.deserialize(parser, context);
        }

        /**
         * A format of the property's or the mapper's own (a {@code @JsonFormat}, a config override, a default
         * leniency) is Jackson's alone to apply: then Jackson's deserializer reads every value.
         */
        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext context, BeanProperty property)
                throws JsonMappingException {
            JsonDeserializer<?> forProperty = chosen instanceof ContextualDeserializer contextual
                    ? contextual.createContextual(context, property)
                    : chosen;
            JsonFormat.Value format = findFormatOverrides(context, property, handledType());
            if (format != null && !format.equals(JsonFormat.Value.empty())) {
                return forProperty;
            }
            return forProperty == chosen ? this : new CanonicalFirst(handledType(), forProperty);
        }

        @Override
        public void resolve(DeserializationContext context) throws JsonMappingException {
            if (chosen instanceof ResolvableDeserializer resolvable) {
                resolvable.resolve(context);
            }
        }
    }
}

package org.rightcare.hub.fhirapi;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.ws.rs.core.HttpHeaders;

/**
 * What a request's {@code Prefer} headers (RFC 7240) ask of the FHIR API: {@code return=} for what a write answers
 * with (FHIR's http.html#ops), {@code handling=lenient} for a search with parameters the server does not know.
 *
 * <p>
 * Preferences are hints: one the hub does not know, or a value it does not know, is ignored and the default holds;
 * a preference named twice counts the first time only, as RFC 7240 says. Names are matched without regard to case,
 * and so are values ({@code return=operationoutcome} is FHIR's {@code return=OperationOutcome}).
 *
 * @param returns what a write answers with; {@link Return#REPRESENTATION} unless the request asked otherwise
 * @param returnAsked whether the request named a {@code return} the hub honours, so the answer says it applied it
 * @param lenient whether a search ignores parameters it does not know instead of refusing them
 */
public record Prefer(Return returns, boolean returnAsked, boolean lenient) {

    public static final String HEADER = "Prefer";
    /** The header that tells the caller which preference was honoured (RFC 7240, section 3). */
    public static final String APPLIED_HEADER = "Preference-Applied";

    /** What a create, update or patch answers with. */
    public enum Return {
        /** The resource as it now is: FHIR's default. */
        REPRESENTATION("representation"),
        /** No body: the status, ETag, Last-Modified and, for a create, Location say what happened. */
        MINIMAL("minimal"),
        /** An OperationOutcome saying what happened, instead of the resource. */
        OPERATION_OUTCOME("OperationOutcome");

        private final String code;

        Return(String code) {
            this.code = code;
        }

        /** The value as FHIR spells it. */
        public String code() {
            return code;
        }

        static Optional<Return> of(String value) {
            for (Return candidate : values()) {
                if (candidate.code.equalsIgnoreCase(value)) {
                    return Optional.of(candidate);
                }
            }
            return Optional.empty();
        }
    }

    public static final Prefer NONE = new Prefer(Return.REPRESENTATION, false, false);

    public static Prefer of(HttpHeaders headers) {
        return of(headers.getRequestHeader(HEADER));
    }

    /** Reads every {@code Prefer} header's preferences, in order: {@code token[=value][; parameter...]}, comma separated. */
    public static Prefer of(List<String> headerValues) {
        if (headerValues == null || headerValues.isEmpty()) {
            return NONE;
        }
        String returnValue = null;
        String handlingValue = null;
        for (String headerValue : headerValues) {
            for (String preference : headerValue.split(",")) {
                // Parameters after ';' qualify a preference; none of FHIR's has any.
                String nameAndValue = preference.split(";", 2)[0];
                int equals = nameAndValue.indexOf('=');
                String name = (equals < 0 ? nameAndValue : nameAndValue.substring(0, equals)).trim()
                        .toLowerCase(Locale.ROOT);
                String value = equals < 0 ? "" : unquoted(nameAndValue.substring(equals + 1).trim());
                if (name.equals("return") && returnValue == null) {
                    returnValue = value;
                } else if (name.equals("handling") && handlingValue == null) {
                    handlingValue = value;
                }
            }
        }
        Optional<Return> returns = Optional.ofNullable(returnValue).flatMap(Return::of);
        return new Prefer(returns.orElse(Return.REPRESENTATION), returns.isPresent(),
                "lenient".equalsIgnoreCase(handlingValue));
    }

    private static String unquoted(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }
}

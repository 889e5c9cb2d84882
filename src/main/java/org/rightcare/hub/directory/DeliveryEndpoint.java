package org.rightcare.hub.directory;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where and how the hub delivers an offer to a service: a BaRS {@code $process-message} endpoint, a FHIR REST
 * endpoint, or nowhere at all because the provider pulls its cases from the hub (and is told by subscription).
 *
 * @param url absolute http(s) URL; null for {@link Kind#PULL}
 */
public record DeliveryEndpoint(Kind kind, URI url) {

    public enum Kind {
        BARS,
        FHIR_REST,
        PULL;

        /** The file and API spelling: {@code bars}, {@code fhir-rest}, {@code pull}. */
        public String code() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Optional<Kind> fromCode(String code) {
            return Arrays.stream(values()).filter(k -> k.code().equals(code)).findFirst();
        }
    }

    public DeliveryEndpoint {
        if (kind == null) {
            throw new IllegalArgumentException("kind is required");
        }
        if ((kind == Kind.PULL) != (url == null)) {
            throw new IllegalArgumentException(kind == Kind.PULL ? "a pull endpoint has no url" : "url is required");
        }
    }

    public static DeliveryEndpoint pull() {
        return new DeliveryEndpoint(Kind.PULL, null);
    }
}

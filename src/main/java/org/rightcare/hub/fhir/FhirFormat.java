package org.rightcare.hub.fhir;

import java.util.List;
import java.util.Locale;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.hl7.fhir.instance.model.api.IBaseResource;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;

/**
 * The wire format of a FHIR answer, chosen as the FHIR spec says: {@code _format} first, then Accept, JSON by
 * default.
 */
public enum FhirFormat {
    JSON("application/fhir+json"),
    XML("application/fhir+xml");

    private final String mediaType;

    FhirFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType + ";charset=utf-8";
    }

    public String encode(FhirContext context, IBaseResource resource, boolean pretty) {
        return parser(context).setPrettyPrint(pretty).encodeResourceToString(resource);
    }

    public IParser parser(FhirContext context) {
        return this == JSON ? context.newJsonParser() : context.newXmlParser();
    }

    /** The format of a request body: XML when its Content-Type says so, JSON otherwise. */
    public static FhirFormat ofBody(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).contains("xml") ? XML : JSON;
    }

    /** Null when {@code _format} names a format the hub does not speak. */
    public static FhirFormat negotiate(String formatParameter, HttpHeaders headers) {
        return negotiate(formatParameter, headers == null ? List.of() : headers.getAcceptableMediaTypes());
    }

    /** Null when {@code _format} names a format the hub does not speak; {@code accepted} as the Accept header says. */
    public static FhirFormat negotiate(String formatParameter, List<MediaType> accepted) {
        if (formatParameter != null && !formatParameter.isBlank()) {
            return fromName(formatParameter.trim().toLowerCase(Locale.ROOT));
        }
        for (MediaType type : accepted) {
            String subtype = type.getSubtype().toLowerCase(Locale.ROOT);
            if (subtype.equals("fhir+xml") || subtype.equals("xml")) {
                return XML;
            }
            if (subtype.equals("fhir+json") || subtype.equals("json") || type.isWildcardSubtype()) {
                return JSON;
            }
        }
        return JSON;
    }

    private static FhirFormat fromName(String name) {
        return switch (name) {
            case "json", "application/json", "application/fhir+json", "application/json+fhir" -> JSON;
            case "xml", "application/xml", "text/xml", "application/fhir+xml", "application/xml+fhir" -> XML;
            default -> null;
        };
    }
}

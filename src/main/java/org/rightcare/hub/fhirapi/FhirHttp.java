package org.rightcare.hub.fhirapi;

import java.io.StringReader;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonPatch;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.rightcare.hub.fhir.FhirFormat;
import org.rightcare.hub.fhir.OperationOutcomes;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;

/**
 * The HTTP side every FHIR endpoint shares: the format of the answer, the resource in a request's body, ids, and the
 * answer to a refusal. Whatever a request breaks is a {@link FhirRefusal}, so endpoints only translate between HTTP
 * and the domain.
 */
@ApplicationScoped
public class FhirHttp {

    private static final String JSON_PATCH = "application/json-patch+json";
    /** The code of the OperationOutcome a write answers with when asked for one ({@code Prefer: return=OperationOutcome}). */
    public static final String WRITE_APPLIED = "WRITE_APPLIED";
    private static final Pattern ETAG_VERSION = Pattern.compile("^(W/)?\"(\\d+)\"$");

    private final FhirContext fhir;

    public FhirHttp(FhirContext fhir) {
        this.fhir = fhir;
    }

    /** The format a read answers in: {@code _format} first, then Accept; one the hub does not speak is a 406. */
    public FhirFormat format(String formatParameter, HttpHeaders headers) {
        FhirFormat format = FhirFormat.negotiate(formatParameter, headers);
        if (format == null) {
            throw FhirRefusal.unsupportedFormat(formatParameter);
        }
        return format;
    }

    /** The format a write answers in: as asked, JSON when the request names none the hub speaks. */
    public static FhirFormat answerFormat(String formatParameter, HttpHeaders headers) {
        return Optional.ofNullable(FhirFormat.negotiate(formatParameter, headers)).orElse(FhirFormat.JSON);
    }

    /** The request's resource, JSON or XML by its Content-Type; anything else is a 400. */
    public <T extends IBaseResource> T read(Class<T> type, String contentType, String body) {
        try {
            return FhirFormat.ofBody(contentType).parser(fhir).parseResource(type, body);
        } catch (DataFormatException | ClassCastException e) {
            throw FhirRefusal.notA(type.getSimpleName(), e.getMessage());
        }
    }

    /** A JSON Patch (RFC 6902) request: 415 for a body of another type, 400 for one that is not a patch. */
    public static JsonPatch jsonPatch(String contentType, String body) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith(JSON_PATCH)) {
            throw new FhirRefusal(415, IssueType.NOTSUPPORTED, "UNSUPPORTED_PATCH_FORMAT",
                    "PATCH takes a JSON Patch (" + JSON_PATCH + ")");
        }
        try {
            return Json.createPatch(Json.createReader(new StringReader(body)).readArray());
        } catch (JsonException | IllegalStateException | ClassCastException e) {
            throw new FhirRefusal(400, IssueType.STRUCTURE, "INVALID_PATCH",
                    "The body is not a JSON Patch array: " + e.getMessage());
        }
    }

    /** The patch applied to {@code current} as the hub renders it: 422 when it does not apply or leaves no resource. */
    @SuppressWarnings("unchecked")
    public <T extends IBaseResource> T apply(JsonPatch patch, T current) {
        try {
            String rendered = fhir.newJsonParser().encodeResourceToString(current);
            return (T) fhir.newJsonParser().parseResource(current.getClass(),
                    patch.apply(Json.createReader(new StringReader(rendered)).readObject()).toString());
        } catch (JsonException | DataFormatException e) {
            throw new FhirRefusal(422, IssueType.PROCESSING, "PATCH_FAILED",
                    "The patch cannot be applied: " + e.getMessage());
        }
    }

    /** The version an {@code If-Match} header names ({@code W/"3"}), null when there is none; 400 for another kind. */
    public static Integer expectedVersion(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            return null;
        }
        Matcher matcher = ETAG_VERSION.matcher(ifMatch.trim());
        if (!matcher.matches()) {
            throw new FhirRefusal(400, IssueType.INVALID, "INVALID_IF_MATCH",
                    "If-Match must be a version ETag such as W/\"3\"");
        }
        return Integer.parseInt(matcher.group(2));
    }

    /** An update's resource must be the one its URL names, if it names one at all: 400 otherwise. */
    public static void requireSameId(IBaseResource resource, String urlId) {
        String bodyId = resource.getIdElement().getIdPart();
        if (bodyId != null && !bodyId.equals(urlId)) {
            throw new FhirRefusal(400, IssueType.INVALID, "ID_MISMATCH", "The " + resource.fhirType() + "'s id "
                    + bodyId + " is not the id in the URL " + urlId);
        }
    }

    /** An answer of a versioned resource: its version as a weak ETag, and when it last changed. */
    public Response.ResponseBuilder answer(int status, FhirFormat format, IBaseResource resource, boolean pretty,
            int version, Instant lastModified) {
        return stamped(answer(status, format, resource, pretty), version, lastModified);
    }

    /**
     * A create's, update's or patch's answer as the request's {@code Prefer: return} asks (FHIR http.html#ops): the
     * resource as it now is (the default), no body, or an OperationOutcome saying what was done; always with when it
     * last changed and, for a versioned resource, its version as a weak ETag. The resource is rendered only when it
     * is sent, so a provider that answers its Tasks with {@code return=minimal} costs the hub no rendering.
     *
     * @param done what was done, for the OperationOutcome: {@code Task/... updated, version 3}
     * @param version the resource's version, or null for a resource the hub does not version
     */
    public Response.ResponseBuilder written(int status, FhirFormat format, Prefer prefer,
            Supplier<? extends IBaseResource> resource, String done, Integer version, Instant lastModified) {
        Response.ResponseBuilder builder = switch (prefer.returns()) {
            case REPRESENTATION -> answer(status, format, resource.get(), false);
            case MINIMAL -> Response.status(status);
            case OPERATION_OUTCOME -> answer(status, format, OperationOutcomes.information(WRITE_APPLIED, done), false);
        };
        if (prefer.returnAsked()) {
            builder.header(Prefer.APPLIED_HEADER, "return=" + prefer.returns().code());
        }
        return stamped(builder, version, lastModified);
    }

    /** The version as a weak ETag (for a resource the hub versions: null otherwise), and when it last changed. */
    private static Response.ResponseBuilder stamped(Response.ResponseBuilder builder, Integer version,
            Instant lastModified) {
        if (version != null) {
            builder.tag(new EntityTag(String.valueOf(version), true));
        }
        return builder.lastModified(Date.from(lastModified));
    }

    /** An answer of {@code status} with the resource in the caller's format. */
    public Response.ResponseBuilder answer(int status, FhirFormat format, IBaseResource resource, boolean pretty) {
        return Response.status(status).type(format.mediaType()).entity(format.encode(fhir, resource, pretty));
    }

    /** The answer to a refusal: its OperationOutcome in the format the request asked for (JSON if none it may). */
    public Response answer(FhirRefusal refusal, UriInfo uri, HttpHeaders headers) {
        return answer(refusal, uri, headers.getAcceptableMediaTypes());
    }

    /** {@link #answer(FhirRefusal, UriInfo, HttpHeaders)} with the media types the request's Accept header lists. */
    public Response answer(FhirRefusal refusal, UriInfo uri, List<MediaType> accepted) {
        FhirFormat format = Optional.ofNullable(FhirFormat.negotiate(uri.getQueryParameters().getFirst("_format"),
                accepted)).orElse(FhirFormat.JSON);
        Response.ResponseBuilder builder = answer(refusal.status(), format, refusal.outcome(), false);
        refusal.headers().forEach(builder::header);
        return builder.build();
    }

    /** An id that is a UUID in the canonical form the hub renders (offers, subscriptions); empty otherwise. */
    public static Optional<UUID> uuid(String id) {
        try {
            UUID parsed = UUID.fromString(id);
            return parsed.toString().equals(id) ? Optional.of(parsed) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

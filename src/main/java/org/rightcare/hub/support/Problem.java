package org.rightcare.hub.support;

import java.net.URI;
import java.util.List;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem details body ({@code application/problem+json}), the error format of every non-FHIR
 * endpoint. {@code errors} lists each offending field by JSON pointer, the convention RFC 9457 itself suggests.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(URI type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPES = "https://rightcare-hub.org/problems/";

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(URI.create(TYPES + slug), title, status, detail, List.of());
    }

    public static Problem invalid(List<FieldError> errors) {
        return invalid("invalid-event", "The event breaks the CAD contract", errors);
    }

    /** A 422 that lists every offending field of a body by JSON pointer. */
    public static Problem invalid(String slug, String title, List<FieldError> errors) {
        return new Problem(URI.create(TYPES + slug), title, 422,
                errors.size() + (errors.size() == 1 ? " field is" : " fields are") + " not acceptable", errors);
    }

    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }
}

package org.rightcare.hub.support;

/** One rule an event breaks, located by a JSON pointer (RFC 6901) into the body the CAD sent. */
public record FieldError(String pointer, String detail) {
}

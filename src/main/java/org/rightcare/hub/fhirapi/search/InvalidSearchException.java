package org.rightcare.hub.fhirapi.search;

/** A search the hub cannot run as asked: answered 400 with an OperationOutcome carrying {@link #code()}. */
public class InvalidSearchException extends Exception {

    private final String code;

    public InvalidSearchException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}

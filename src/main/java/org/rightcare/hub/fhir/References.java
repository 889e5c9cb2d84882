package org.rightcare.hub.fhir;

import java.util.Optional;

/** The references the hub is given (search values, a Task's focus, a subscription's filter), read as ids. */
public final class References {

    private References() {
    }

    /**
     * The id a reference names if it is to a resource of {@code expectedType}: {@code Type/id}, an absolute URL
     * ending in {@code Type/id}, or a bare id; empty for a reference to another type.
     */
    public static Optional<String> idOf(String reference, String expectedType) {
        int slash = reference.lastIndexOf('/');
        if (slash < 0) {
            return Optional.of(reference);
        }
        String head = reference.substring(0, slash);
        return head.equals(expectedType) || head.endsWith("/" + expectedType)
                ? Optional.of(reference.substring(slash + 1))
                : Optional.empty();
    }
}

package org.rightcare.hub.support;

/**
 * One thing wrong with a configuration file that ICB engineers keep in git (the service directory, the routing
 * policy): where it is, as a line they can jump to and a JSON pointer into the document, and what is wrong.
 */
public record ConfigProblem(String file, int line, String pointer, String reason) {

    /** {@code file:line: reason (pointer)}, the form editors and CI logs turn into a link. */
    @Override
    public String toString() {
        return file + ":" + line + ": " + reason + " (" + (pointer.isEmpty() ? "/" : pointer) + ")";
    }
}

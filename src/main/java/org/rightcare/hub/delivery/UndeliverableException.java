package org.rightcare.hub.delivery;

/**
 * A delivery cannot be attempted at all (nowhere to send it, nothing to sign it with). The row becomes a dead
 * letter with this message, for an operator to fix the configuration and replay.
 */
public class UndeliverableException extends Exception {

    public UndeliverableException(String message) {
        super(message, null, false, false);
    }
}

package org.rightcare.hub.delivery;

import java.time.Duration;

/** What one attempt came to, as the dispatcher acts on it. */
public sealed interface DeliveryOutcome {

    /** The receiver answered 2xx: done. */
    record Delivered(int status) implements DeliveryOutcome {
    }

    /**
     * Worth trying again: no answer (refused, reset, timed out), 5xx, 408 or 429.
     *
     * @param retryAfter the receiver's {@code Retry-After}, when it sent one in seconds; null otherwise
     */
    record Failed(String error, Duration retryAfter) implements DeliveryOutcome {
    }

    /**
     * The receiver refused the message itself (other 4xx, or 3xx): sending it again would not help.
     *
     * @param status the HTTP status; 0 when the request could not be built at all
     * @param body the receiver's answer as text (an OperationOutcome, say), for a channel whose protocol gives one
     *        status several meanings; null when there was none
     */
    record Rejected(String error, int status, String body) implements DeliveryOutcome {

        public Rejected(String error, int status) {
            this(error, status, null);
        }

        public Rejected(String error) {
            this(error, 0);
        }
    }
}

package org.rightcare.hub.audit;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A page of the audit trail to read, newest or oldest first. Null or empty filters match everything.
 *
 * @param succeeded true for successes only, false for everything refused or failed, null for both
 * @param after exclusive lower bounds on when; {@code before} exclusive upper bounds
 * @param cursor the (at, id) of the last entry of the previous page, or null
 */
public record AuditQuery(String entityType, String entityId, String actor, Boolean succeeded, List<Instant> after,
        List<Instant> before, boolean ascending, Cursor cursor, int limit) {

    public record Cursor(Instant at, UUID id) {
    }
}

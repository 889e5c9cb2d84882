package org.rightcare.hub.audit;

import java.time.Instant;
import java.util.UUID;

/** An audit record as stored: when it was written and its id. */
public record AuditEntry(UUID id, Instant at, AuditRecord record) {
}

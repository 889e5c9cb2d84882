package org.rightcare.hub.audit;

import io.vertx.core.json.JsonObject;

/**
 * One audited action: who did what to which thing, and how it ended.
 *
 * @param actor the user or system (the token's subject, or the hub itself, such as {@code directory-file})
 * @param actorOrganisation the actor's ODS code; null when the actor acts for no one organisation
 * @param action what was done, as {@code thing.verb}: {@code directory-service.update}, {@code capacity.update}
 * @param entityType the kind of thing acted on, such as {@code directory-service}
 * @param outcome {@code success}, or why it did not happen
 * @param detail what changed (before and after) or anything else an auditor needs; never null
 */
public record AuditRecord(String actor, String actorOrganisation, String action, String entityType, String entityId,
        String outcome, JsonObject detail) {

    public static final String SUCCESS = "success";
}

package org.rightcare.hub.delivery;

import java.util.Map;

/**
 * Something an operator did through the admin API, for the audit trail (which records when).
 *
 * @param actor the token's principal (subject)
 * @param action what was done, e.g. {@code dead-letter.replay}
 * @param details what the object looked like when it was done; never patient identifiers
 */
public record OperatorAction(String actor, String action, String targetType, String targetId,
        Map<String, Object> details) {
}

package org.rightcare.hub.delivery;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Records operator actions in the transaction that performs them, so an action and its record commit together. The
 * outbox's port to the audit trail, which implements it ({@code audit.AuditedOperatorActions}): the outbox knows
 * nothing of the domain above it.
 */
public interface OperatorActionLog {

    Uni<Void> record(SqlClient tx, OperatorAction action);
}

package org.rightcare.hub.delivery;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Records operator actions in the transaction that performs them, so an action and its record commit together.
 * Narrow on purpose: the hub-wide audit log can take over behind it without touching callers.
 */
public interface OperatorActionLog {

    Uni<Void> record(SqlClient tx, OperatorAction action);
}

package org.rightcare.hub.audit;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.delivery.OperatorAction;
import org.rightcare.hub.delivery.OperatorActionLog;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * The outbox's operator actions (a dead letter replayed, a destination paused or resumed) in the one audit trail,
 * written in the transaction of the action: the operator as the actor, the delivery or destination as the entity.
 */
@ApplicationScoped
public class AuditedOperatorActions implements OperatorActionLog {

    private final AuditLog audit;

    public AuditedOperatorActions(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public Uni<Void> record(SqlClient tx, OperatorAction action) {
        return audit.record(tx, new AuditRecord(action.actor(), null, action.action(), action.targetType(),
                action.targetId(), AuditRecord.SUCCESS, new JsonObject(action.details())));
    }
}

package org.rightcare.hub.delivery;

import java.time.ZoneOffset;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** {@link OperatorActionLog} in the {@code operator_action} table. */
@ApplicationScoped
public class OperatorActionTable implements OperatorActionLog {

    @Override
    public Uni<Void> record(SqlClient tx, OperatorAction action) {
        return tx.preparedQuery("""
                INSERT INTO operator_action (id, actor, action, target_type, target_id, details, at)
                VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7)
                """).execute(Tuple.tuple().addUUID(UUID.randomUUID()).addString(action.actor())
                .addString(action.action()).addString(action.targetType()).addString(action.targetId())
                .addString(new JsonObject(action.details()).encode()).addOffsetDateTime(action.at().atOffset(ZoneOffset.UTC)))
                .replaceWithVoid();
    }
}

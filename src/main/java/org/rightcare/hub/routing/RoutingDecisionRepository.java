package org.rightcare.hub.routing;

import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Every routing decision made for a referral, kept so a clinician can see why the case went where it went. */
@ApplicationScoped
public class RoutingDecisionRepository {

    private final ObjectMapper json;

    public RoutingDecisionRepository(ObjectMapper json) {
        this.json = json;
    }

    public Uni<Void> insert(SqlClient tx, UUID referralId, RoutingDecision decision) {
        return tx.preparedQuery("""
                INSERT INTO routing_decision (id, referral_id, decided_at, rule_id, decision)
                VALUES ($1, $2, $3, $4, $5::text::jsonb)""")
                .execute(Tuple.tuple().addUUID(UUID.randomUUID()).addUUID(referralId)
                        .addOffsetDateTime(decision.decidedAt().atOffset(ZoneOffset.UTC)).addString(decision.ruleId())
                        .addString(write(decision)))
                .replaceWithVoid();
    }

    /** The newest decision: the one the current offer (or send-back) came from. */
    public Uni<Optional<RoutingDecision>> latest(SqlClient client, UUID referralId) {
        return client.preparedQuery("""
                SELECT decision FROM routing_decision WHERE referral_id = $1 ORDER BY decided_at DESC, id LIMIT 1""")
                .execute(Tuple.of(referralId))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(read(rows.iterator().next().getJsonObject("decision").encode())));
    }

    /** The newest decision of each referral that has one, for a page of search results. */
    public Uni<Map<UUID, RoutingDecision>> latest(SqlClient client, Collection<UUID> referralIds) {
        return client.preparedQuery("""
                SELECT DISTINCT ON (referral_id) referral_id, decision FROM routing_decision
                WHERE referral_id = ANY($1) ORDER BY referral_id, decided_at DESC, id""")
                .execute(Tuple.of(referralIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, RoutingDecision> latest = new HashMap<>();
                    rows.forEach(row -> latest.put(row.getUUID("referral_id"),
                            read(row.getJsonObject("decision").encode())));
                    return latest;
                });
    }

    private String write(RoutingDecision decision) {
        try {
            return json.writeValueAsString(decision);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A RoutingDecision record always serialises", e);
        }
    }

    private RoutingDecision read(String text) {
        try {
            return json.readValue(text, RoutingDecision.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored routing decision is not readable: " + e.getOriginalMessage(), e);
        }
    }
}

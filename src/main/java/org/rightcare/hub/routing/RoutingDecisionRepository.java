package org.rightcare.hub.routing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.referral.Referral;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Every routing decision made for a referral, kept so a clinician can see why the case went where it went. Stored
 * compactly ({@link CompactDecisions}): with a large directory the exclusions nobody could have avoided are counted,
 * not listed, and rebuilt here when a decision is read.
 */
@ApplicationScoped
public class RoutingDecisionRepository {

    private static final String COLUMNS = "decision::text AS decision, directory_version, service_types, incident_digest";

    private final ObjectMapper json;
    private final ServiceDirectory directory;

    public RoutingDecisionRepository(ObjectMapper json, ServiceDirectory directory) {
        this.json = json;
        this.directory = directory;
    }

    /**
     * @param directoryVersion the version of the directory the router read (its services are what the decision's
     *        unlisted exclusions are rebuilt from)
     */
    public Uni<Void> insert(SqlClient tx, Referral referral, RoutingDecision decision, long directoryVersion) {
        CompactDecisions.Stored stored = CompactDecisions.compact(decision, directoryVersion,
                decision.exclusions().size() > CompactDecisions.LIST_EVERY_EXCLUSION_UP_TO
                        ? digest(referral.incident())
                        : null);
        CompactDecisions.Basis basis = stored.basis();
        return tx.preparedQuery("""
                INSERT INTO routing_decision (id, referral_id, decided_at, rule_id, decision, directory_version,
                                              service_types, incident_digest)
                VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8)""")
                .execute(Tuple.tuple().addUUID(UUID.randomUUID()).addUUID(referral.id())
                        .addOffsetDateTime(decision.decidedAt().atOffset(ZoneOffset.UTC)).addString(decision.ruleId())
                        .addString(write(stored.decision()))
                        .addLong(basis == null ? null : basis.directoryVersion())
                        .addArrayOfString(basis == null ? null : basis.serviceTypes().toArray(String[]::new))
                        .addString(basis == null ? null : basis.incidentDigest()))
                .replaceWithVoid();
    }

    /** The newest decision: the one the current offer (or send-back) came from. */
    public Uni<Optional<RoutingDecision>> latest(SqlClient client, Referral referral) {
        return client.preparedQuery("SELECT " + COLUMNS
                + " FROM routing_decision WHERE referral_id = $1 ORDER BY decided_at DESC, id LIMIT 1")
                .execute(Tuple.of(referral.id()))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(explained(rows.iterator().next(), referral.incident())));
    }

    /** The newest decision of each referral that has one, for a page of search results. */
    public Uni<Map<UUID, RoutingDecision>> latest(SqlClient client, Collection<Referral> referrals) {
        Map<UUID, Incident> incidents = new HashMap<>();
        referrals.forEach(r -> incidents.put(r.id(), r.incident()));
        return client.preparedQuery("SELECT DISTINCT ON (referral_id) referral_id, " + COLUMNS
                + " FROM routing_decision WHERE referral_id = ANY($1) ORDER BY referral_id, decided_at DESC, id")
                .execute(Tuple.of(incidents.keySet().toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, RoutingDecision> latest = new HashMap<>();
                    rows.forEach(row -> latest.put(row.getUUID("referral_id"),
                            explained(row, incidents.get(row.getUUID("referral_id")))));
                    return latest;
                });
    }

    /** The stored decision, with the exclusions it counted but did not list rebuilt where the directory allows. */
    private RoutingDecision explained(Row row, Incident incident) {
        RoutingDecision stored = read(row.getString("decision"));
        Long version = row.getLong("directory_version");
        if (version == null || stored.unlistedExclusions() == 0) {
            return stored;
        }
        CompactDecisions.Basis basis = new CompactDecisions.Basis(version,
                Arrays.asList(row.getArrayOfStrings("service_types")), row.getString("incident_digest"));
        return CompactDecisions.rebuild(new CompactDecisions.Stored(stored, basis), incident, digest(incident),
                directory.snapshot());
    }

    /** The incident as routed, in a form that changes whenever anything the router reads of it does. */
    String digest(Incident incident) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(json.writeValueAsBytes(incident));
            return Base64.getEncoder().encodeToString(hash);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An Incident record always serialises", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
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

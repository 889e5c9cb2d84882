package org.rightcare.hub.offers;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.support.KeysetQuery;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Offers (FHIR Tasks) in PostgreSQL; every method runs on the caller's connection or transaction. */
@ApplicationScoped
public class OfferRepository {

    private static final String COLUMNS = """
            id, referral_id, sequence, service_id, ods_code, status, status_reason_system, status_reason_code,
            status_reason_text, offered_at, deadline_at, answered_at, updated_at, version""";

    public Uni<Offer> insert(SqlClient tx, Offer offer) {
        Tuple params = Tuple.tuple().addUUID(offer.id()).addUUID(offer.referralId()).addInteger(offer.sequence())
                .addString(offer.serviceId()).addString(offer.odsCode()).addString(offer.status().code())
                .addOffsetDateTime(utc(offer.offeredAt())).addOffsetDateTime(utc(offer.deadlineAt()))
                .addOffsetDateTime(utc(offer.updatedAt()));
        return tx.preparedQuery("""
                INSERT INTO offer (id, referral_id, sequence, service_id, ods_code, status, offered_at, deadline_at,
                                   updated_at, version)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)
                RETURNING %s""".formatted(COLUMNS))
                .execute(params)
                .map(rows -> toOffer(rows.iterator().next()));
    }

    public Uni<Optional<Offer>> findById(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM offer WHERE id = $1")
                .execute(Tuple.of(id)).map(OfferRepository::first);
    }

    /** Every offer of the referral, first offer first. */
    public Uni<List<Offer>> findByReferral(SqlClient client, UUID referralId) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM offer WHERE referral_id = $1 ORDER BY sequence")
                .execute(Tuple.of(referralId)).map(OfferRepository::all);
    }

    /** Moves one offer to a new status, recording the reason and when the provider (or the hub) answered. */
    public Uni<Offer> updateStatus(SqlClient tx, UUID id, OfferStatus status, OfferStatusReason reason, Instant now) {
        Tuple params = Tuple.tuple().addUUID(id).addString(status.code())
                .addString(reason == null ? null : reason.system()).addString(reason == null ? null : reason.code())
                .addString(reason == null ? null : reason.text()).addOffsetDateTime(utc(now));
        return tx.preparedQuery("""
                UPDATE offer SET status = $2, status_reason_system = $3, status_reason_code = $4,
                                 status_reason_text = $5, answered_at = COALESCE(answered_at, $6),
                                 updated_at = $6, version = version + 1
                WHERE id = $1
                RETURNING %s""".formatted(COLUMNS))
                .execute(params)
                .map(rows -> toOffer(rows.iterator().next()));
    }

    /** Withdraws every offer that still holds the referral; returns the withdrawn offers. */
    public Uni<List<Offer>> cancelHolding(SqlClient tx, UUID referralId, OfferStatusReason reason, Instant now) {
        Tuple params = Tuple.tuple().addUUID(referralId).addString(reason.system()).addString(reason.code())
                .addOffsetDateTime(utc(now));
        return tx.preparedQuery("""
                UPDATE offer SET status = 'cancelled', status_reason_system = $2, status_reason_code = $3,
                                 updated_at = $4, version = version + 1
                WHERE referral_id = $1 AND status IN ('requested', 'received', 'accepted', 'in-progress')
                RETURNING %s""".formatted(COLUMNS))
                .execute(params).map(OfferRepository::all);
    }

    /** Every offer of each referral, by referral id, first offer first: one query for a page of search results. */
    public Uni<Map<UUID, List<Offer>>> findByReferrals(SqlClient client, Collection<UUID> referralIds) {
        if (referralIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return client.preparedQuery("SELECT " + COLUMNS + " FROM offer WHERE referral_id = ANY($1) ORDER BY sequence")
                .execute(Tuple.of(referralIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, List<Offer>> byReferral = new HashMap<>();
                    rows.forEach(row -> {
                        Offer offer = toOffer(row);
                        byReferral.computeIfAbsent(offer.referralId(), id -> new ArrayList<>()).add(offer);
                    });
                    return byReferral;
                });
    }

    /** One page of a search, in the query's order. */
    public Uni<List<Offer>> search(SqlClient client, OfferQuery query) {
        KeysetQuery sql = new KeysetQuery();
        if (query.odsCode() != null) {
            sql.where("ods_code = ?", query.odsCode());
        }
        if (query.statuses() != null && !query.statuses().isEmpty()) {
            sql.where("status = ANY(?)", (Object) query.statuses().stream().map(OfferStatus::code).toArray(String[]::new));
        }
        if (query.referralIds() != null && !query.referralIds().isEmpty()) {
            sql.where("referral_id = ANY(?)", (Object) query.referralIds().toArray(UUID[]::new));
        }
        if (query.serviceIds() != null) {
            sql.where("service_id = ANY(?)", (Object) query.serviceIds().toArray(String[]::new));
        }
        if (query.nhsNumber() != null) {
            sql.where("referral_id IN (SELECT id FROM referral WHERE incident -> 'patient' ->> 'nhsNumber' = ?)",
                    query.nhsNumber());
        }
        sql.between("updated_at", query.updatedAfter(), query.updatedBefore());
        String statement = sql.sql("SELECT " + COLUMNS + " FROM offer", "updated_at", query.ascending(),
                query.after() == null ? null : query.after().updatedAt(),
                query.after() == null ? null : query.after().id(), query.limit());
        return client.preparedQuery(statement).execute(sql.params()).map(OfferRepository::all);
    }

    private static Optional<Offer> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(toOffer(rows.iterator().next()));
    }

    private static List<Offer> all(RowSet<Row> rows) {
        List<Offer> offers = new ArrayList<>(rows.size());
        rows.forEach(row -> offers.add(toOffer(row)));
        return offers;
    }

    private static Offer toOffer(Row row) {
        String reasonCode = row.getString("status_reason_code");
        OfferStatusReason reason = reasonCode == null ? null
                : new OfferStatusReason(row.getString("status_reason_system"), reasonCode, row.getString("status_reason_text"));
        return new Offer(row.getUUID("id"), row.getUUID("referral_id"), row.getInteger("sequence"),
                row.getString("service_id"), row.getString("ods_code"),
                OfferStatus.fromCode(row.getString("status")).orElseThrow(), reason,
                instant(row, "offered_at"), instant(row, "deadline_at"), instant(row, "answered_at"),
                instant(row, "updated_at"), row.getInteger("version"));
    }

    private static Instant instant(Row row, String column) {
        var value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    private static java.time.OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}

package org.rightcare.hub.support;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A search query paged by keyset: conditions with their parameters, then {@code (time, id)} after the last row of the
 * previous page, ordered by that pair. Keyset paging stays correct while rows are added, unlike OFFSET, and each page
 * costs the same however deep it is.
 */
public final class KeysetQuery {

    private final List<String> conditions = new ArrayList<>();
    private final Tuple params = Tuple.tuple();

    /** A condition, written with one {@code ?} where each of its parameters goes, in order. */
    public KeysetQuery where(String condition, Object... values) {
        StringBuilder numbered = new StringBuilder();
        int next = 0;
        for (char c : condition.toCharArray()) {
            if (c == '?') {
                Object value = values[next++];
                params.addValue(value instanceof Instant instant ? instant.atOffset(ZoneOffset.UTC) : value);
                numbered.append('$').append(params.size());
            } else {
                numbered.append(c);
            }
        }
        conditions.add(numbered.toString());
        return this;
    }

    /** Exclusive bounds on a time column: each lower bound must be passed, each upper bound not reached. */
    public KeysetQuery between(String column, List<Instant> after, List<Instant> before) {
        after.forEach(bound -> where(column + " > ?", bound));
        before.forEach(bound -> where(column + " < ?", bound));
        return this;
    }

    /**
     * The statement: {@code select} (up to and including FROM), the conditions, the page start after
     * {@code (afterTime, afterId)} when given, ordered by {@code (timeColumn, id)} and limited.
     */
    public String sql(String select, String timeColumn, boolean ascending, Instant afterTime, UUID afterId,
            int limit) {
        if (afterTime != null) {
            params.addValue(afterTime.atOffset(ZoneOffset.UTC)).addUUID(afterId);
            conditions.add("(" + timeColumn + ", id) " + (ascending ? ">" : "<") + " ($" + (params.size() - 1)
                    + ", $" + params.size() + ")");
        }
        params.addInteger(limit);
        String direction = ascending ? "ASC" : "DESC";
        return select + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions)) + " ORDER BY "
                + timeColumn + " " + direction + ", id " + direction + " LIMIT $" + params.size();
    }

    public Tuple params() {
        return params;
    }
}

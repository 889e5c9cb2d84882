package org.rightcare.hub.board;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * What the board's event stream carries: a word each time the referrals change (any referral's latest update moves,
 * on whichever replica it happened), and a heartbeat now and then so that a dropped stream is noticed. The page then
 * fetches its own stack, through the same authorisation as the page, so the stream itself never carries a case. One
 * indexed read per stream per interval ({@code referral_updated}), which is far less than every board fetching its
 * whole stack on a timer.
 */
@ApplicationScoped
public class BoardChanges {

    /** How often a stream looks for a change: the longest a change waits before the board hears of it. */
    static final Duration INTERVAL = Duration.ofSeconds(1);
    /** A heartbeat every this many intervals when nothing changed. */
    private static final int HEARTBEAT_EVERY = 15;

    private final Pool pool;

    public BoardChanges(Pool pool) {
        this.pool = pool;
    }

    /** "changed" when the referrals moved since the stream began or last said so, "heartbeat" otherwise, now and then. */
    public Multi<String> stream() {
        AtomicReference<String> seen = new AtomicReference<>();
        AtomicLong quiet = new AtomicLong();
        return Multi.createFrom().ticks().every(INTERVAL).onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> pool
                        .query("SELECT coalesce(max(updated_at)::text, '') AS latest FROM referral").execute()
                        .map(rows -> rows.iterator().next().getString("latest"))
                        .onFailure().recoverWithItem(() -> Objects.requireNonNullElse(seen.get(), "")))
                .map(latest -> {
                    String before = seen.getAndSet(latest);
                    if (before != null && !before.equals(latest)) {
                        quiet.set(0);
                        return "changed";
                    }
                    return quiet.incrementAndGet() % HEARTBEAT_EVERY == 0 ? "heartbeat" : "";
                })
                .select().where(word -> !word.isEmpty());
    }
}

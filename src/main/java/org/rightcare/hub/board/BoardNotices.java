package org.rightcare.hub.board;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralStatus;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * What the board tells a person after an action, and only what has happened: the hub recorded it; the ambulance
 * service's system acknowledged the callback, or has not yet (the notice says so, and the page asks again until it
 * has), or could not be reached. After a decline it says where the case is now, read from the case itself.
 */
@ApplicationScoped
public class BoardNotices {

    /**
     * The notice and whether it is still waiting for the CAD's acknowledgement (the page then asks again, until the
     * callback is delivered).
     */
    public record Notice(String text, boolean waiting) {
    }

    private final Pool pool;

    public BoardNotices(Pool pool) {
        this.pool = pool;
    }

    /** Empty for an unknown word: notices come back in the URL after an action, so only known ones are shown. */
    public Uni<Optional<Notice>> after(String action, Referral referral) {
        return switch (action == null ? "" : action) {
            case "claimed" -> told("You claimed this case. The hub recorded it.", referral, "referral.accepted");
            case "accepted" -> told("You accepted this case. The hub recorded it.", referral, "referral.accepted");
            case "sent-back" -> told("You sent this case back: "
                    + BoardWords.sendBackReason(referral.sendBackReason()) + ". The hub recorded it.", referral,
                    "referral.sent-back");
            case "rejected" -> Uni.createFrom().item(Optional.of(new Notice("You declined this offer. The hub recorded "
                    + "it. " + whereNow(referral), false)));
            default -> Uni.createFrom().item(Optional.empty());
        };
    }

    private static String whereNow(Referral referral) {
        return switch (referral.status()) {
            case ROUTING -> "The hub is looking for another service.";
            case OFFERED -> "The hub has offered the case to another service.";
            case SENT_BACK -> "No other service could take it: the case went back to the ambulance service ("
                    + BoardWords.sendBackReason(referral.sendBackReason()) + ").";
            default -> "The case is now: " + BoardWords.referralState(referral.status()).toLowerCase() + ".";
        };
    }

    private Uni<Optional<Notice>> told(String done, Referral referral, String eventType) {
        if (referral.status() == ReferralStatus.ROUTING || referral.status() == ReferralStatus.OFFERED) {
            return Uni.createFrom().item(Optional.of(new Notice(done, false)));
        }
        return pool.preparedQuery("""
                SELECT state, delivered_at FROM delivery_outbox
                WHERE referral_id = $1 AND channel = 'cad-callback' AND payload::jsonb ->> 'eventType' = $2
                ORDER BY sequence DESC LIMIT 1""").execute(Tuple.of(referral.id(), eventType)).map(rows -> {
            Row row = rows.iterator().hasNext() ? rows.iterator().next() : null;
            if (row == null) {
                return Optional.of(new Notice(done + " The ambulance service's system has not been told yet.", false));
            }
            return Optional.of(switch (row.getString("state")) {
                case "delivered" -> new Notice(done + " The ambulance service's system acknowledged it at "
                        + BoardFormat.time(row.getOffsetDateTime("delivered_at").toInstant()) + ".", false);
                // Still asked about: an operator's replay may yet deliver it.
                case "dead" -> new Notice(done + " The ambulance service's system could not be reached; the hub's "
                        + "operators have been alerted and can resend it.", true);
                default -> new Notice(done + " The ambulance service's system has not acknowledged it yet; the hub "
                        + "keeps trying, and this notice changes when it does.", true);
            });
        });
    }
}

package org.rightcare.hub.board;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.audit.AuditLog;
import org.rightcare.hub.audit.AuditRecord;
import org.rightcare.hub.cascade.OfferAnswers;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.security.Caller;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * A community team member accepts or declines an offer on the board: the same {@link OfferAnswers} operation as a
 * FHIR Task update, recorded in the audit trail under the person who did it, whatever the outcome.
 */
@ApplicationScoped
public class BoardAnswers {

    /** A reason a team may give for declining, in the DoS rejection code system BaRS uses. */
    public record DeclineReason(String code, String display) {
    }

    /** The DoS codes offered on the board, in the order a team is most likely to need them. */
    public static final List<DeclineReason> DECLINE_REASONS = List.of("22", "23", "40", "31", "42", "21", "24", "26",
            "32", "41", "27", "99").stream()
            .map(code -> new DeclineReason(code, new OfferStatusReason(OfferStatusReason.DOS_SYSTEM, code, null)
                    .display()))
            .toList();

    private final OfferAnswers answers;
    private final AuditLog audit;
    private final Pool pool;

    public BoardAnswers(OfferAnswers answers, AuditLog audit, Pool pool) {
        this.answers = answers;
        this.audit = audit;
        this.pool = pool;
    }

    /**
     * @param reasonCode a DoS rejection code; needed to decline, ignored to accept
     * @param text the team's own words with a decline, passed on as written (the CAD hears them as
     *        {@code reason.text}); null for none
     */
    public Uni<OfferAnswers.Result> answer(Caller caller, UUID offerId, OfferAnswers.Answer answer, String reasonCode,
            String text) {
        if (!caller.isProvider()) {
            return Uni.createFrom().item(new OfferAnswers.NotFound());
        }
        OfferStatusReason reason = answer == OfferAnswers.Answer.REJECT && reasonCode != null
                ? new OfferStatusReason(OfferStatusReason.DOS_SYSTEM, reasonCode, text)
                : null;
        return answers.answer(offerId, caller.organisation(), answer, reason, null)
                .call(result -> pool.withTransaction(tx -> audit.record(tx, new AuditRecord(caller.subject(),
                        caller.organisation(), "board.offer." + answer.name().toLowerCase(), "Task",
                        offerId.toString(), outcome(result),
                        reason == null ? new JsonObject() : new JsonObject().put("reason", reason.code())))));
    }

    private static String outcome(OfferAnswers.Result result) {
        if (result instanceof OfferAnswers.Answered) {
            return AuditRecord.SUCCESS;
        }
        return result instanceof OfferAnswers.NotFound ? "not-found" : "refused";
    }
}

package org.rightcare.hub.intake;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The events of one incident are stored in the order they reached this replica: each waits until the one before it
 * has committed or failed. A created event waits in a group commit for a millisecond or two; a cancel posted just
 * behind it must find the referral it made, not race ahead of it and be refused as unknown. Incidents do not wait for
 * each other. Across replicas the database orders them as before (row locks and the event times the upsert compares).
 */
final class IncidentOrder {

    private final ConcurrentHashMap<String, CompletableFuture<Void>> lastOfIncident = new ConcurrentHashMap<>();

    /**
     * Runs {@code work} once the incident's previous event here is settled, on {@code onThisRequest}. The work runs to
     * its end even if the caller goes away, so the next event never overtakes a commit still under way.
     */
    <T> Uni<T> inTurn(String cadSystem, String incidentId, Executor onThisRequest, Supplier<Uni<? extends T>> work) {
        String incident = cadSystem + '\n' + incidentId;
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> previous = lastOfIncident.put(incident, mine);
        Uni<T> turn = previous == null ? Uni.createFrom().<T> deferred(work)
                : Uni.createFrom().completionStage(previous).emitOn(onThisRequest).<T> chain(work);
        CompletableFuture<T> done = turn.subscribeAsCompletionStage();
        done.whenComplete((result, failure) -> {
            lastOfIncident.remove(incident, mine);
            mine.complete(null);
        });
        return Uni.createFrom().emitter(answer -> done.whenComplete((result, failure) -> {
            if (failure == null) {
                answer.complete(result);
            } else {
                answer.fail(failure);
            }
        }));
    }

    /** Runs tasks on the Vert.x context of the caller (its request's), or at once off any context. */
    static Executor currentContext() {
        Context context = Vertx.currentContext();
        return context == null ? Runnable::run : task -> context.runOnContext(ignored -> task.run());
    }
}

package org.rightcare.hub.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

/**
 * Records successful deliveries many to a statement. The dispatcher's attempts finish one by one, and each used to be
 * an {@code UPDATE} and a commit of its own: two in every incident's life cycle (the CAD's callbacks, offers POSTed to
 * providers). A mark waits for no timer: with nothing being written it goes at once, alone; the marks that arrive
 * while a statement is being written go together in the next one. So at a low rate nothing changes, and under load
 * the statements and commits fall with the batch size.
 *
 * <p>
 * A mark's outcome is its own (whether this statement marked its row); if the statement fails, every mark in it
 * fails, and as before each of those deliveries is retried when its claim's lease runs out: at least once, never
 * lost.
 */
@ApplicationScoped
public class DeliveredMarks {

    /** Enough to keep one statement short; more wait for the next. */
    static final int MAX_BATCH = 256;

    private record Mark(UUID id, Instant at, CompletableFuture<Boolean> marked) {
    }

    private final OutboxRepository outbox;
    private final Queue<Mark> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();

    public DeliveredMarks(OutboxRepository outbox) {
        this.outbox = outbox;
    }

    /** Marks the delivery delivered; true when this mark changed its row (false: withdrawn or marked meanwhile). */
    public Uni<Boolean> markDelivered(UUID id, Instant at) {
        CompletableFuture<Boolean> marked = new CompletableFuture<>();
        waiting.add(new Mark(id, at, marked));
        writeNext();
        return Uni.createFrom().completionStage(marked);
    }

    private void writeNext() {
        if (!writing.compareAndSet(false, true)) {
            return;
        }
        List<Mark> batch = new ArrayList<>();
        for (Mark mark = waiting.poll(); mark != null; mark = batch.size() < MAX_BATCH ? waiting.poll() : null) {
            batch.add(mark);
        }
        if (batch.isEmpty()) {
            writing.set(false);
            // A mark queued after the poll above and before the flag fell would otherwise wait for the next one.
            if (!waiting.isEmpty()) {
                writeNext();
            }
            return;
        }
        outbox.markDelivered(batch.stream().map(Mark::id).toList(), batch.stream().map(Mark::at).toList())
                .subscribe().with(markedIds -> {
                    writing.set(false);
                    writeNext();
                    batch.forEach(mark -> mark.marked().complete(markedIds.contains(mark.id())));
                }, failure -> {
                    writing.set(false);
                    writeNext();
                    batch.forEach(mark -> mark.marked().completeExceptionally(failure));
                });
    }
}

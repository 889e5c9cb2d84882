package org.rightcare.hub.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

/**
 * Successful deliveries are recorded many to a statement, without waiting for a timer: the first at once, those that
 * arrive while it is written together in the next; each mark learns its own outcome, and a failed statement fails
 * every mark in it (those deliveries are retried when their leases run out).
 */
class DeliveredMarksTest {

    static final Instant NOW = Instant.parse("2026-12-06T21:00:00Z");

    /** An outbox whose statements finish when the test says. */
    static final class HeldOutbox extends OutboxRepository {
        final List<List<UUID>> statements = new ArrayList<>();
        final List<CompletableFuture<Set<UUID>>> results = new ArrayList<>();

        HeldOutbox() {
            super(null);
        }

        @Override
        public Uni<Set<UUID>> markDelivered(List<UUID> ids, List<Instant> deliveredAt) {
            statements.add(List.copyOf(ids));
            CompletableFuture<Set<UUID>> result = new CompletableFuture<>();
            results.add(result);
            return Uni.createFrom().completionStage(result);
        }
    }

    @Test
    void marksThatArriveWhileAStatementIsWrittenGoTogetherInTheNext() {
        HeldOutbox outbox = new HeldOutbox();
        DeliveredMarks marks = new DeliveredMarks(outbox);
        UUID a = UUID.randomUUID(), b = UUID.randomUUID(), c = UUID.randomUUID(), d = UUID.randomUUID();

        CompletableFuture<Boolean> first = marks.markDelivered(a, NOW).subscribeAsCompletionStage();
        assertEquals(List.of(List.of(a)), outbox.statements, "the first mark goes at once, alone");
        List<CompletableFuture<Boolean>> next = List.of(marks.markDelivered(b, NOW).subscribeAsCompletionStage(),
                marks.markDelivered(c, NOW).subscribeAsCompletionStage(),
                marks.markDelivered(d, NOW).subscribeAsCompletionStage());
        assertEquals(1, outbox.statements.size(), "nothing more is written while a statement is");

        outbox.results.get(0).complete(Set.of(a));
        assertTrue(first.join());
        assertEquals(List.of(b, c, d), outbox.statements.get(1), "the three that waited, in one statement");

        // c was withdrawn meanwhile: the statement did not mark it, and only its mark hears so.
        outbox.results.get(1).complete(Set.of(b, d));
        assertEquals(List.of(true, false, true), next.stream().map(CompletableFuture::join).toList());
        assertEquals(2, outbox.statements.size());
    }

    @Test
    void aFailedStatementFailsEveryMarkInItAndTheNextStillGoes() {
        HeldOutbox outbox = new HeldOutbox();
        DeliveredMarks marks = new DeliveredMarks(outbox);
        UUID a = UUID.randomUUID(), b = UUID.randomUUID();
        CompletableFuture<Boolean> first = marks.markDelivered(a, NOW).subscribeAsCompletionStage();
        outbox.results.get(0).completeExceptionally(new IllegalStateException("connection lost"));

        CompletionException failed = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                first::join);
        assertInstanceOf(IllegalStateException.class, failed.getCause());
        CompletableFuture<Boolean> second = marks.markDelivered(b, NOW).subscribeAsCompletionStage();
        assertEquals(List.of(b), outbox.statements.get(1));
        outbox.results.get(1).complete(Set.of(b));
        assertTrue(second.join());
        assertFalse(second.isCompletedExceptionally());
    }
}

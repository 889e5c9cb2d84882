package org.rightcare.hub.delivery;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;

/**
 * Where features queue what they must send (a transactional outbox): the row is written in the caller's transaction,
 * so it is sent if and only if that transaction commits, and this replica's dispatcher is woken the moment it does.
 */
@ApplicationScoped
public class DeliveryOutbox {

    private final OutboxRepository repository;
    private final OutboxDispatcher dispatcher;
    private final Clock clock;

    public DeliveryOutbox(OutboxRepository repository, OutboxDispatcher dispatcher, Clock clock) {
        this.repository = repository;
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    public Uni<Void> enqueue(SqlClient tx, NewDelivery delivery) {
        return repository.insert(tx, delivery, clock.instant()).invoke(() -> wakeDispatcherOnCommit(tx));
    }

    /**
     * Withdraws a pending delivery that is no longer wanted, in the caller's transaction: if that commits, the
     * delivery is never sent again. Says what it found, so the caller knows whether the receiver may have it.
     */
    public Uni<OutboxRepository.Withdrawal> withdraw(SqlClient tx, UUID id) {
        return repository.withdraw(tx, id, clock.instant());
    }

    /** Withdraws everything still pending for a receiver that is gone (a deleted subscription), in the caller's transaction. */
    public Uni<Integer> withdrawAll(SqlClient tx, String channel, String destination) {
        return repository.withdrawAll(tx, channel, destination, clock.instant());
    }

    private void wakeDispatcherOnCommit(SqlClient tx) {
        Transaction transaction = tx instanceof SqlConnection connection ? connection.transaction() : null;
        if (transaction == null) {
            // Not in a transaction: the row is already committed.
            dispatcher.wake();
            return;
        }
        transaction.completion().subscribe().with(committed -> dispatcher.wake(), rolledBack -> {
        });
    }
}

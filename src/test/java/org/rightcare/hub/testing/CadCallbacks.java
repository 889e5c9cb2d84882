package org.rightcare.hub.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.rightcare.hub.cad.CadCallback;
import org.rightcare.hub.cad.CadCallbackOutbox;
import org.rightcare.hub.cad.CadCallbackType;
import org.rightcare.hub.cad.WebhookSignature;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralRepository;
import org.rightcare.hub.referral.ReferralStatus;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.arc.Arc;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Drives CAD callbacks as the routing code will: referrals made through the real webhook, callbacks queued with
 * {@link CadCallbackOutbox#enqueue} inside a transaction.
 */
public final class CadCallbacks {

    public static final String OTHER_CAD = "OTHER-CAD";
    public static final String OTHER_SECRET = "other-secret";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private CadCallbacks() {
    }

    /** A new TEST-CAD incident whose events name {@code callbackUrl} (null: none). */
    public static Referral referral(String callbackUrl) {
        return referral(CadWebhook.CAD_SYSTEM, CadWebhook.SECRET, callbackUrl);
    }

    public static Referral referral(String cadSystem, String secret, String callbackUrl) {
        ObjectNode event = CadWebhook.event("incident-created.json");
        event.put("cadSystem", cadSystem);
        if (callbackUrl != null) {
            event.put("callbackUrl", callbackUrl);
        }
        byte[] body = CadWebhook.bytes(event);
        String referralId = CadWebhook.postSigned(body, WebhookSignature.sign(secret, Instant.now(), body))
                .then().statusCode(202).extract().path("referralId");
        return Arc.container().instance(ReferralRepository.class).get().findById(UUID.fromString(referralId))
                .await().atMost(WAIT).orElseThrow();
    }

    /** Queues the callbacks in one committed transaction, the referral locked first ({@link #lockAsTheCascadeDoes}). */
    public static void enqueueCommitted(CadCallbackOutbox outbox, Referral referral, CadCallback... callbacks) {
        pool().withTransaction(tx -> {
            Uni<Void> chain = lockAsTheCascadeDoes(tx, referral);
            for (CadCallback callback : callbacks) {
                chain = chain.chain(() -> outbox.enqueue(tx, referral, callback));
            }
            return chain;
        }).await().atMost(WAIT);
    }

    /**
     * Locks the referral as every cascade step does before it queues a callback. A test queues callbacks for referrals
     * the hub may be routing meanwhile: queued without this lock, it takes the callbacks' one-writer lock before the
     * referral's row, the reverse of the cascade's order, and PostgreSQL ends the two as a deadlock (seen under load in
     * {@code CadCallbackDeliveryTest} and {@code CompetingDispatchersTest}).
     */
    public static Uni<Void> lockAsTheCascadeDoes(SqlClient tx, Referral referral) {
        return Arc.container().instance(ReferralRepository.class).get().lockById(tx, referral.id()).replaceWithVoid();
    }

    public static Pool pool() {
        return Arc.container().instance(Pool.class).get();
    }

    /** A unique marker for one test's callbacks, so it can tell them from anyone else's. */
    public static String marker() {
        return "test-" + UUID.randomUUID();
    }

    public static CadCallback offered(String marker) {
        return new CadCallback(CadCallbackType.OFFERED, ReferralStatus.OFFERED, service(marker), null, List.of());
    }

    public static CadCallback accepted(String marker) {
        return new CadCallback(CadCallbackType.ACCEPTED, ReferralStatus.ACCEPTED, service(marker), null, List.of());
    }

    public static CadCallback completed(String marker) {
        return new CadCallback(CadCallbackType.COMPLETED, ReferralStatus.COMPLETED, service(marker), null, List.of());
    }

    public static CadCallback sentBack(String marker, Instant rejectedAt) {
        return new CadCallback(CadCallbackType.SENT_BACK, ReferralStatus.SENT_BACK, null,
                new CadCallback.Reason("no-capacity", "No capacity available within timescale"),
                List.of(new CadCallback.Attempt(marker, "rejected", "no-capacity", rejectedAt)));
    }

    /** An urgent community response service whose id is the marker. */
    public static CadCallback.ServiceSummary service(String marker) {
        return new CadCallback.ServiceSummary(marker, "Maidstone UCR", "ucr", "RXY", "2000012345");
    }

    /** The outbox rows of the callbacks carrying the marker, oldest first, as column -> value. */
    public static List<Map<String, Object>> outboxRows(String marker) {
        return rows("SELECT * FROM delivery_outbox WHERE strpos(payload, ?) > 0 ORDER BY sequence", marker);
    }

    /** The outbox rows' states for the callbacks carrying the marker, oldest first. */
    public static List<String> states(String marker) {
        return outboxRows(marker).stream().map(row -> (String) row.get("state")).toList();
    }

    public static List<Map<String, Object>> rows(String sql, Object... params) {
        try (Connection c = DriverManager.getConnection(
                ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class), "postgres", "postgres");
                PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int column = 1; column <= meta.getColumnCount(); column++) {
                        row.put(meta.getColumnName(column), rs.getObject(column));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the callbacks carrying the marker are all in the given state, and returns how many there are. */
    public static int awaitAllInState(String marker, String state, Duration within) {
        return Awaitility.await("the callbacks carrying " + marker + " all " + state).atMost(within)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> states(marker), states -> !states.isEmpty() && states.stream().allMatch(state::equals))
                .size();
    }
}

package org.rightcare.hub.support;

import java.util.UUID;
import java.util.regex.Pattern;

import org.jboss.logging.MDC;

/**
 * The id that follows one incident's referral through the hub: the webhook that brought it, routing and offers, the
 * deliveries and CAD callbacks about it. Logs carry it as the MDC entry {@value #MDC_KEY} (a field of every JSON log
 * line), outbound deliveries as the {@value #HEADER} header, so one search finds a referral's whole journey without
 * a patient identifier in any log.
 *
 * <p>
 * A CAD may send its own id in {@value #HEADER} with the incident's first event; the contract does not require
 * it, so anything that is not a short token of safe characters is ignored and the hub makes one instead.
 */
public final class CorrelationId {

    public static final String HEADER = "X-Correlation-Id";
    public static final String MDC_KEY = "correlationId";

    /** Letters, digits and {@code . _ : -}, up to 64: enough for a UUID or a CAD's own reference, nothing to inject. */
    private static final Pattern USABLE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private CorrelationId() {
    }

    /** The caller's id if it is usable, else a new one. */
    public static String acceptOrGenerate(String supplied) {
        return supplied != null && USABLE.matcher(supplied).matches() ? supplied : UUID.randomUUID().toString();
    }

    /** Tags the current work's log lines (the request's, or the scheduled job's) with this id; null clears it. */
    public static void use(String correlationId) {
        if (correlationId == null) {
            MDC.remove(MDC_KEY);
        } else {
            MDC.put(MDC_KEY, correlationId);
        }
    }

    /**
     * Runs {@code logging} with the id in the MDC and restores what was there: for work that interleaves several
     * referrals on one thread (the dispatcher's attempts), where setting it for the whole task would mislabel lines.
     */
    public static void during(String correlationId, Runnable logging) {
        Object before = MDC.get(MDC_KEY);
        use(correlationId);
        try {
            logging.run();
        } finally {
            use(before == null ? null : before.toString());
        }
    }
}

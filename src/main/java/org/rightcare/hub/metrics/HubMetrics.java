package org.rightcare.hub.metrics;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.referral.SendBackReason;
import org.rightcare.hub.support.Problem;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;

/**
 * The hub's event metrics, exported on {@code /q/metrics} under the names k8s/README.md lists (the alerts and the
 * dashboard read them). Micrometer's Prometheus naming adds {@code _total} to counters and {@code _seconds} to
 * timers, so the meters here are named without them. Label values are codes from bounded sets, never identifiers or
 * free text.
 */
@Startup
@ApplicationScoped
public class HubMetrics {

    static final String REFERRALS = "rightcare.referrals";
    static final String SENT_BACK = "rightcare.referrals.sent.back";
    static final String OFFERS = "rightcare.offers";
    static final String TIME_TO_ACCEPT = "rightcare.referral.time.to.accept";
    static final String WEBHOOK_REJECTED = "rightcare.webhook.rejected";
    static final String STEP_FAILURES = "rightcare.referral.step.failures";

    /** Histogram buckets for time to accept: a case's time budget is an hour or two, so minutes matter. */
    private static final Duration[] ACCEPT_BUCKETS = { Duration.ofSeconds(30), Duration.ofMinutes(1),
            Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(15),
            Duration.ofMinutes(20), Duration.ofMinutes(30), Duration.ofMinutes(45), Duration.ofMinutes(60),
            Duration.ofMinutes(90), Duration.ofMinutes(120) };

    private final MeterRegistry registry;

    public HubMetrics(MeterRegistry registry) {
        this.registry = registry;
        // Series of the small fixed label sets exist from the start, so rate() and increase() see their first event.
        for (AfterCommitCounts.OfferAnswer answer : AfterCommitCounts.OfferAnswer.values()) {
            offers(answer);
        }
        for (SendBackReason reason : SendBackReason.values()) {
            sentBack(reason);
        }
        stepFailures();
    }

    /**
     * A step of a referral's cascade failed for a reason of the hub's own (not a database outage); past
     * {@code hub.routing.max-step-failures} in a row the case goes back as {@code hub-error}, counted with the other
     * send-backs.
     */
    public void stepFailed() {
        stepFailures().increment();
    }

    private Counter stepFailures() {
        return Counter.builder(STEP_FAILURES)
                .description("Steps of a referral's cascade that failed for a reason other than a database outage")
                .register(registry);
    }

    /** Records what the send-back loop did in a transaction. Call it only once that transaction has committed. */
    public void committed(AfterCommitCounts outcomes) {
        outcomes.offerAnswers().forEach(answer -> offers(answer).increment());
        for (AfterCommitCounts.Concluded concluded : outcomes.concluded()) {
            Counter.builder(REFERRALS).description("Referrals reaching an outcome")
                    .tag("outcome", concluded.outcome().label()).tag("service_type", concluded.serviceType())
                    .register(registry).increment();
            if (concluded.sendBackReason() != null) {
                sentBack(concluded.sendBackReason()).increment();
            }
        }
        for (AfterCommitCounts.Acceptance acceptance : outcomes.acceptances()) {
            Timer.builder(TIME_TO_ACCEPT).description("From the referral's arrival to a service accepting it")
                    .tag("service_type", acceptance.serviceType())
                    .serviceLevelObjectives(ACCEPT_BUCKETS)
                    .register(registry).record(acceptance.sinceArrival());
        }
    }

    /** The CAD webhook refused an event; the reason is the problem type (e.g. {@code invalid-signature}). */
    public void webhookRejected(Problem problem) {
        String path = problem.type().getPath();
        Counter.builder(WEBHOOK_REJECTED).description("CAD webhook events refused, by HTTP status and problem type")
                .tag("status", String.valueOf(problem.status()))
                .tag("reason", path.substring(path.lastIndexOf('/') + 1))
                .register(registry).increment();
    }

    private Counter offers(AfterCommitCounts.OfferAnswer answer) {
        return Counter.builder(OFFERS).description("Offers ended by the provider's answer, a deadline or a withdrawal")
                .tag("answer", answer.label()).register(registry);
    }

    private Counter sentBack(SendBackReason reason) {
        return Counter.builder(SENT_BACK).description("Referrals returned to the ambulance service, by reason")
                .tag("reason", reason.code()).register(registry);
    }
}

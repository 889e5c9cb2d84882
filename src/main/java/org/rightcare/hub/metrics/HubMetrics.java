package org.rightcare.hub.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.ConfigProvider;
import org.rightcare.hub.referral.SendBackReason;
import org.rightcare.hub.support.Problem;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
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
    static final String CAD_EVENTS_ACCEPTED = "rightcare.cad.events.accepted";
    public static final String GROUP_COMMIT_EVENTS = "rightcare.intake.group.commit.events";

    /** The CAD webhook's refusals (status and problem type), so each series reads 0 before the first refusal. */
    static final Map<String, Integer> WEBHOOK_REFUSALS = Map.of("invalid-signature", 401, "malformed-json", 400,
            "body-too-large", 413, "unsupported-media-type", 415, "invalid-event", 422, "event-id-conflict", 409);

    /** The CAD contract's event types, the {@code type} label of the accepted events. */
    static final List<String> CAD_EVENT_TYPES = List.of("incident.created", "incident.updated", "incident.cancelled",
            "incident.closed");

    /** Histogram buckets for time to accept: a case's time budget is an hour or two, so minutes matter. */
    private static final Duration[] ACCEPT_BUCKETS = { Duration.ofSeconds(30), Duration.ofMinutes(1),
            Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(15),
            Duration.ofMinutes(20), Duration.ofMinutes(30), Duration.ofMinutes(45), Duration.ofMinutes(60),
            Duration.ofMinutes(90), Duration.ofMinutes(120) };

    private static final Pattern CAD_SYSTEM_SECRET = Pattern.compile("hub\\.cad\\.systems\\.\"?([^\".]+)\"?\\.secret");

    private final MeterRegistry registry;

    public HubMetrics(MeterRegistry registry) {
        this.registry = registry;
        WEBHOOK_REFUSALS.forEach((reason, status) -> webhookRejected(status, reason));
        for (String cad : configuredCadSystems()) {
            CAD_EVENT_TYPES.forEach(type -> cadEventsAccepted(type, cad));
        }
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
        webhookRejected(problem.status(), path.substring(path.lastIndexOf('/') + 1)).increment();
    }

    /**
     * The CAD webhook accepted (and committed) a new event: its contract type ({@code incident.created}, ...) and the
     * CAD system that signed it. Replays of an event already accepted are not counted again.
     */
    public void cadEventAccepted(String type, String cadSystem) {
        cadEventsAccepted(type, cadSystem).increment();
    }

    /** One statement and commit of intake's group commit stored {@code events} new incidents. */
    public void groupCommitted(int events) {
        DistributionSummary.builder(GROUP_COMMIT_EVENTS)
                .description("New incidents per group commit of the CAD webhook (one statement, one commit each)")
                .register(registry).record(events);
    }

    private Counter webhookRejected(int status, String reason) {
        return Counter.builder(WEBHOOK_REJECTED).description("CAD webhook events refused, by HTTP status and problem type")
                .tag("status", String.valueOf(status)).tag("reason", reason).register(registry);
    }

    private Counter cadEventsAccepted(String type, String cadSystem) {
        return Counter.builder(CAD_EVENTS_ACCEPTED).description("CAD events accepted, by event type and CAD system")
                .tag("type", type).tag("cad", cadSystem).register(registry);
    }

    /** The CAD systems named in the configuration ({@code hub.cad.systems."<id>".secret}). */
    static Set<String> configuredCadSystems() {
        Set<String> systems = new TreeSet<>();
        for (String name : ConfigProvider.getConfig().getPropertyNames()) {
            Matcher system = CAD_SYSTEM_SECRET.matcher(name);
            if (system.matches()) {
                systems.add(system.group(1));
            }
        }
        return systems;
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

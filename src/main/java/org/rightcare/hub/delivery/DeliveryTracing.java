package org.rightcare.hub.delivery;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * Carries a trace across the outbox: the context of the work that writes a delivery is stored with it (W3C
 * {@code traceparent}), and each attempt is a client span in that trace whose context goes out in the request's
 * {@code traceparent} header, so the receiver's trace continues the hub's. With the OpenTelemetry SDK off (the
 * default) the stored value is null and the spans are no-ops.
 */
@ApplicationScoped
public class DeliveryTracing {

    static final String TRACEPARENT = "traceparent";

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Map<String, String>> FROM_MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;

    public DeliveryTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /** The current trace context as a W3C traceparent; null when no span is current (or tracing is off). */
    public static String currentTraceParent() {
        Map<String, String> carrier = new HashMap<>();
        W3C.inject(Context.current(), carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /** Starts the span of one attempt, a child of the trace that wrote the delivery when there is one. */
    Span startAttempt(OutboxEntry entry) {
        Context parent = entry.traceParent() == null ? Context.root()
                : W3C.extract(Context.root(), Map.of(TRACEPARENT, entry.traceParent()), FROM_MAP);
        return tracer.spanBuilder("deliver " + entry.channel()).setParent(parent).setSpanKind(SpanKind.CLIENT)
                .setAttribute("rightcare.delivery.id", entry.id().toString())
                .setAttribute("rightcare.delivery.destination", entry.destination())
                .setAttribute("rightcare.delivery.attempt", entry.attempts())
                .startSpan();
    }

    /** The request with the attempt's span as its {@code traceparent}. */
    static DeliveryRequest propagate(Span attempt, DeliveryRequest request) {
        Map<String, String> carrier = new HashMap<>();
        W3C.inject(Context.root().with(attempt), carrier, Map::put);
        return request.withHeader(TRACEPARENT, carrier.get(TRACEPARENT));
    }

    /** Ends the attempt's span with what came of it. */
    static void end(Span attempt, DeliveryOutcome outcome) {
        if (outcome instanceof DeliveryOutcome.Delivered delivered) {
            attempt.setAttribute("http.response.status_code", delivered.status());
        } else if (outcome instanceof DeliveryOutcome.Failed failed) {
            attempt.setStatus(StatusCode.ERROR, failed.error());
        } else if (outcome instanceof DeliveryOutcome.Rejected rejected) {
            attempt.setStatus(StatusCode.ERROR, rejected.error());
        }
        attempt.end();
    }
}

package org.rightcare.hub.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.testing.CallbackReceiver;
import org.rightcare.hub.testing.Referrals;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;

/**
 * One trace from the CAD webhook through routing (which writes the callback to the outbox) to the delivery attempt
 * and on to the CAD, which receives the attempt's span as its {@code traceparent}.
 */
@QuarkusTest
class DeliveryTracingTest {

    @Inject
    InMemorySpanExporter spans;

    @Test
    void theCallbackAboutAnOfferContinuesTheWebhooksTrace() {
        String district = TestServices.freshDistrict();
        String falls = "falls-t-" + district.toLowerCase();
        TestServices.install(TestServices.service(falls, ServiceType.FALLS_RESPONSE, "FT" + district, district,
                Duration.ofMinutes(10)));
        try (CallbackReceiver cad = new CallbackReceiver()) {
            ObjectNode created = Referrals.fallIn(district, "C3");
            created.put("callbackUrl", cad.url());
            UUID referralId = Referrals.post(created);
            Referrals.awaitOffer(referralId, 1);
            CallbackReceiver.Received offered = cad.awaitCount(falls, 1, Duration.ofSeconds(15)).get(0);

            String traceparent = offered.headers().get("traceparent");
            assertNotNull(traceparent, "the callback carries a traceparent: " + offered.headers());
            String traceId = traceparent.split("-")[1];
            String attemptSpanId = traceparent.split("-")[2];
            TestDatabase.await("the webhook and the attempt are exported in that trace", () -> {
                List<SpanData> trace = inTrace(traceId);
                return trace.stream().anyMatch(DeliveryTracingTest::isWebhook)
                        && trace.stream().anyMatch(span -> span.getSpanId().equals(attemptSpanId));
            });
            List<SpanData> trace = inTrace(traceId);
            SpanData attempt = trace.stream().filter(span -> span.getSpanId().equals(attemptSpanId)).findFirst()
                    .orElseThrow();
            assertEquals("deliver cad-callback", attempt.getName());
            assertEquals(SpanKind.CLIENT, attempt.getKind());
            assertTrue(trace.stream().anyMatch(span -> span.getSpanId().equals(attempt.getParentSpanId())),
                    "the attempt's parent is a span of the webhook's trace: " + names(trace));
        }
    }

    private List<SpanData> inTrace(String traceId) {
        return spans.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
    }

    private static boolean isWebhook(SpanData span) {
        return span.getKind() == SpanKind.SERVER && span.getName().contains("/cad/v1/events");
    }

    private static List<String> names(List<SpanData> trace) {
        return trace.stream().map(span -> span.getKind() + " " + span.getName()).toList();
    }
}

package org.rightcare.hub.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServletRequest;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;

/**
 * A community provider's own FHIR server for tests: HAPI's plain {@link RestfulServer} in Jetty on 127.0.0.1,
 * taking FHIR transactions as a real server does, conditional creates included ({@code ifNoneExist} on an identifier
 * finds the resource written before instead of writing it again) and conditional updates (a {@code PUT} to
 * {@code Type?identifier=...} replaces the resource that search finds, or creates it). It keeps what it stored, and can
 * be told to fail (after storing, as a server whose answer is lost does), to be down (answering 503 and storing
 * nothing), or to hold requests until the test lets them go.
 *
 * <p>
 * It is also a BaRS receiver at {@code $process-message}: it keeps each message and its HTTP headers, processes a
 * Bundle id once (a second copy is answered 409 {@code REC_CONFLICT} {@code duplicate}, as BaRS receivers answer),
 * acknowledges with 200 and the message, and can be told to refuse every message with a BaRS error.
 */
public final class FhirProviderServer implements AutoCloseable {

    private final Server jetty;
    private final Map<String, Resource> stored = new LinkedHashMap<>();
    private final List<Bundle> transactions = new ArrayList<>();
    private final AtomicInteger failuresToGo = new AtomicInteger();
    private volatile boolean down;
    private final AtomicInteger arrived = new AtomicInteger();
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private final List<Bundle> messages = new ArrayList<>();
    private final List<Map<String, String>> messageHeaders = new ArrayList<>();
    private volatile BaseServerResponseException refusal;

    public FhirProviderServer() {
        RestfulServer fhir = new RestfulServer(FhirContext.forR4Cached());
        fhir.registerProvider(this);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(fhir), "/fhir/*");
        jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
        jetty.setHandler(context);
        try {
            jetty.start();
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the test FHIR server", e);
        }
    }

    /** The FHIR base URL, what a service's {@code fhir-rest} endpoint names. */
    public URI base() {
        return URI.create("http://127.0.0.1:" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort() + "/fhir");
    }

    /** The next {@code count} transactions are processed and then answered 500. */
    public void failNext(int count) {
        failuresToGo.set(count);
    }

    /** Every transaction is answered 503 and nothing is stored, until {@link #recover()}. */
    public void goDown() {
        down = true;
    }

    public void recover() {
        down = false;
    }

    /** Transactions wait, unanswered, until {@link #release()}. */
    public void holdRequests() {
        hold = new CountDownLatch(1);
    }

    public void release() {
        hold.countDown();
    }

    /** Transactions that reached the server, answered or not, while it was up. */
    public int arrivals() {
        return arrived.get();
    }

    public synchronized List<Bundle> transactions() {
        return List.copyOf(transactions);
    }

    /** What the server holds, by the conditional create's search ({@code identifier=system|value} or {@code _tag=}). */
    public synchronized Map<String, Resource> stored() {
        return Map.copyOf(stored);
    }

    @Transaction
    public Bundle transaction(@TransactionParam Bundle request) throws InterruptedException {
        if (down) {
            throw new UnclassifiedServerFailureException(503, "Down for maintenance");
        }
        arrived.incrementAndGet();
        if (!hold.await(30, TimeUnit.SECONDS)) {
            throw new InternalErrorException("held too long");
        }
        Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        synchronized (this) {
            transactions.add(request);
            for (Bundle.BundleEntryComponent entry : request.getEntry()) {
                boolean existed;
                if (entry.getRequest().getMethod() == Bundle.HTTPVerb.PUT) {
                    String match = entry.getRequest().getUrl().replaceFirst("^[A-Za-z]+\\?(identifier|_tag)=", "");
                    existed = stored.put(match, entry.getResource()) != null;
                } else {
                    String match = entry.getRequest().getIfNoneExist().replaceFirst("^(identifier|_tag)=", "");
                    existed = stored.putIfAbsent(match, entry.getResource()) != null;
                }
                response.addEntry().getResponse().setStatus(existed ? "200 OK" : "201 Created");
            }
        }
        if (failuresToGo.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new InternalErrorException("Stored, but the answer is lost");
        }
        return response;
    }

    /**
     * A BaRS {@code $process-message}: the message Bundle is the body, as BaRS senders post it (HAPI binds a body
     * that is not a Parameters resource to the operation's one resource parameter).
     */
    @Operation(name = "$process-message", idempotent = false)
    public Bundle processMessage(@OperationParam(name = "content", min = 1, max = 1) Bundle message,
            HttpServletRequest request) throws InterruptedException {
        arrived.incrementAndGet();
        if (!hold.await(30, TimeUnit.SECONDS)) {
            throw new InternalErrorException("held too long");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name.toLowerCase(Locale.ROOT), request.getHeader(name));
        }
        synchronized (this) {
            messageHeaders.add(headers);
            if (refusal != null) {
                throw refusal;
            }
            String id = message.getIdElement().getIdPart();
            if (messages.stream().anyMatch(m -> m.getIdElement().getIdPart().equals(id))) {
                throw new ResourceVersionConflictException("the message has been identified as having already been processed.",
                        barsError(OperationOutcome.IssueType.DUPLICATE, "REC_CONFLICT"));
            }
            messages.add(message);
        }
        if (failuresToGo.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new InternalErrorException("Processed, but the answer is lost");
        }
        return message;
    }

    /** Every message from now on is refused with this BaRS error, e.g. 422 {@code REC_UNPROCESSABLE_ENTITY}. */
    public void refuseMessages(int status, OperationOutcome.IssueType issue, String barsCode) {
        OperationOutcome outcome = barsError(issue, barsCode);
        refusal = status == 422 ? new UnprocessableEntityException(barsCode, outcome)
                : new InvalidRequestException(barsCode, outcome);
    }

    /** Messages processed, each once, in the order they arrived. */
    public synchronized List<Bundle> messages() {
        return List.copyOf(messages);
    }

    /** The HTTP headers (names in lower case) of every {@code $process-message} request, processed or not. */
    public synchronized List<Map<String, String>> messageHeaders() {
        return List.copyOf(messageHeaders);
    }

    private static OperationOutcome barsError(OperationOutcome.IssueType issue, String barsCode) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(issue).getDetails()
                .addCoding().setSystem("https://fhir.nhs.uk/Codesystem/http-error-codes").setCode(barsCode);
        return outcome;
    }

    /** A loopback URL where nothing listens: a provider that is down for good. */
    public static URI nowhere() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/fhir");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        release();
        jetty.stop();
    }
}

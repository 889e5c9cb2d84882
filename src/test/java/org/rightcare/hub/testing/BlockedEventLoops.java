package org.rightcare.hub.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails the test during which a Vert.x event loop was blocked by the hub or HAPI: the test profile sets Vert.x's
 * blocked-thread warning low ({@code quarkus.vertx.max-event-loop-execute-time}), with the blocked thread's stack
 * ({@code warning-exception-time}), and this extension, registered for every test class (junit-platform.properties),
 * reads those warnings after each test.
 *
 * <p>
 * On a loaded machine (two cores shared by many builds) the whole JVM stalls now and then (GC, CPU starvation, a class
 * read from a jar for the first time): the event loop is then caught in Netty's select or epoll, or in the class
 * loader, doing nothing of the hub's. So a warning fails a test only when it is a real block: the event loop was held
 * for at least {@link #FAILING_MILLIS} (twice the warning threshold, so a thread merely starved of CPU for a moment
 * does not count) and the top {@link #TOP_FRAMES} frames of its captured stack are in hub ({@code org.rightcare}) or
 * HAPI ({@code ca.uhn.fhir}, {@code org.hl7.fhir}) code, i.e. the hub itself was working or waiting there. Every other
 * warning is printed to the test output and not failed.
 */
public class BlockedEventLoops implements AfterEachCallback {

    private static final String CHECKER = "io.vertx.core.impl.BlockedThreadChecker";
    static final long FAILING_MILLIS = 2000;
    static final int TOP_FRAMES = 12;
    private static final java.util.regex.Pattern BLOCKED_FOR = java.util.regex.Pattern.compile("blocked for (\\d+) ms");
    private static final List<LogRecord> WARNINGS = new ArrayList<>();

    static {
        Logger checker = LogContext.getLogContext().getLogger(CHECKER);
        checker.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (WARNINGS) {
                    WARNINGS.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<LogRecord> seen;
        synchronized (WARNINGS) {
            seen = List.copyOf(WARNINGS);
            WARNINGS.clear();
        }
        for (LogRecord record : seen) {
            String message = org.jboss.logmanager.ExtLogRecord.wrap(record).getFormattedMessage();
            if (isRealBlock(message, record.getThrown())) {
                AssertionError blocked = new AssertionError("An event loop was blocked by the hub or HAPI during "
                        + context.getDisplayName() + ": " + message);
                blocked.setStackTrace(record.getThrown().getStackTrace());
                throw blocked;
            }
            System.err.println("[BlockedEventLoops] not a block by the hub or HAPI (not failed): "
                    + message);
        }
    }

    /** Whether the warning is of a long block whose captured stack is, near its top, in hub or HAPI code. */
    static boolean isRealBlock(String message, Throwable stack) {
        java.util.regex.Matcher blocked = BLOCKED_FOR.matcher(String.valueOf(message));
        if (stack == null || !blocked.find() || Long.parseLong(blocked.group(1)) < FAILING_MILLIS) {
            return false;
        }
        StackTraceElement[] frames = stack.getStackTrace();
        for (int i = 0; i < Math.min(TOP_FRAMES, frames.length); i++) {
            StackTraceElement frame = frames[i];
            String type = frame.getClassName();
            if (type.startsWith("org.rightcare.") || type.startsWith("ca.uhn.fhir.") || type.startsWith("org.hl7.fhir.")) {
                return true;
            }
        }
        return false;
    }
}

package org.rightcare.hub.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.Logger;

/**
 * Every log record the hub writes while it is open, with the MDC as it was when the line was logged: for tests that
 * check what logs say (correlation ids) and what they must never say (patient identifiers).
 */
public final class LogCapture implements AutoCloseable {

    /** One log line: logger, level, the formatted message with any exception's text, and the MDC. */
    public record Line(String logger, Level level, String text, Map<String, String> mdc) {
    }

    private final Logger root = LogContext.getLogContext().getLogger("");
    private final List<Line> lines = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            ExtLogRecord ext = ExtLogRecord.wrap(record);
            StringBuilder text = new StringBuilder(String.valueOf(ext.getFormattedMessage()));
            for (Throwable thrown = record.getThrown(); thrown != null; thrown = thrown.getCause()) {
                text.append(" | ").append(thrown);
            }
            Line line = new Line(record.getLoggerName(), record.getLevel(), text.toString(), Map.copyOf(ext.getMdcCopy()));
            synchronized (lines) {
                lines.add(line);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    public LogCapture() {
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
    }

    public List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    @Override
    public void close() {
        root.removeHandler(handler);
    }
}

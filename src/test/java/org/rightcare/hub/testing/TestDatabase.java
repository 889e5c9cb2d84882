package org.rightcare.hub.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Direct JDBC access to the test database: to check what is (and is not) stored, and to change it as another replica
 * would.
 */
public final class TestDatabase {

    /** The embedded database's superuser (HubTestResources), which the hub itself also connects as in tests. */
    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    /** The connection of the {@link #inOneConnection} running on this thread, if any. */
    private static final ThreadLocal<Connection> HELD = new ThreadLocal<>();

    private TestDatabase() {
    }

    /**
     * Runs a check whose every query on this thread shares one connection, for checks of thousands of queries (the
     * simulation's): a connection per query is most of their time. Polls by {@link #await} run on Awaitility's own
     * thread and still connect per query.
     */
    public static void inOneConnection(Runnable check) {
        if (HELD.get() != null) {
            check.run();
            return;
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl(), USER, PASSWORD)) {
            HELD.set(c);
            check.run();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } finally {
            HELD.remove();
        }
    }

    /**
     * The plan PostgreSQL gives {@code explain} (an {@code EXPLAIN ...} statement) after {@code setup} has run in the
     * same transaction, which is then rolled back: the plan tests fill a table as a busy hub's, analyse it and prepare
     * a statement there, and no other test sees any of it.
     */
    public static String planInRolledBackTransaction(List<String> setup, String explain) {
        try (Connection c = DriverManager.getConnection(jdbcUrl(), USER, PASSWORD)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String statement : setup) {
                    s.execute(statement);
                }
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = s.executeQuery(explain)) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                return plan.toString();
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JDBC URL of the database the hub under test uses. */
    public static String jdbcUrl() {
        return ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
    }

    public static long count(String sql, Object... params) {
        return read(sql, params, rs -> {
            rs.next();
            return rs.getLong(1);
        });
    }

    public static long rows(String table) {
        return count("SELECT count(*) FROM " + table);
    }

    /** The single text value the query returns (null for SQL NULL). */
    public static String text(String sql, Object... params) {
        return read(sql, params, rs -> {
            rs.next();
            return rs.getString(1);
        });
    }

    /** The single bytea value the query returns (null for SQL NULL). */
    public static byte[] bytes(String sql, Object... params) {
        return read(sql, params, rs -> {
            rs.next();
            return rs.getBytes(1);
        });
    }

    /** The first column of every row, as text. */
    public static List<String> strings(String sql, Object... params) {
        return read(sql, params, rs -> {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        });
    }

    /** Every row of a query, as column name to value. */
    public static List<Map<String, Object>> query(String sql, Object... params) {
        return read(sql, params, rs -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= columns; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        });
    }

    /** Changes the database behind the hub's back, as another replica or an operator with psql would. */
    public static int execute(String sql, Object... params) {
        try (Borrowed c = borrow(); PreparedStatement statement = prepare(c.connection(), sql, params)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls until the condition holds, failing after ten seconds: for work the hub does asynchronously. */
    public static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(condition::getAsBoolean);
    }

    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private static <T> T read(String sql, Object[] params, RowReader<T> reader) {
        try (Borrowed c = borrow();
                PreparedStatement statement = prepare(c.connection(), sql, params);
                ResultSet rs = statement.executeQuery()) {
            return reader.read(rs);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A connection for one query: the held one, left open, or a new one closed after it. */
    private record Borrowed(Connection connection, boolean own) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            if (own) {
                connection.close();
            }
        }
    }

    private static Borrowed borrow() throws SQLException {
        Connection held = HELD.get();
        return held != null ? new Borrowed(held, false)
                : new Borrowed(DriverManager.getConnection(jdbcUrl(), USER, PASSWORD), true);
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement statement = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
        return statement;
    }
}

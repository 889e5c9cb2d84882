package org.rightcare.hub.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Direct JDBC access to the test database: to check what is (and is not) stored, and to change it as another replica
 * would.
 */
public final class TestDatabase {

    private TestDatabase() {
    }

    public static long count(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement statement = prepare(c, sql, params);
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long rows(String table) {
        return count("SELECT count(*) FROM " + table);
    }

    /** The single text value the query returns (null for SQL NULL). */
    public static String text(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement statement = prepare(c, sql, params);
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Changes the database behind the hub's back, as another replica or an operator with psql would. */
    public static int execute(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement statement = prepare(c, sql, params)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(
                ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class), "postgres", "postgres");
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement statement = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
        return statement;
    }
}

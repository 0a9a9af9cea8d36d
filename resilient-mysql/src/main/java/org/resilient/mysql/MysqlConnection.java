package org.resilient.mysql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * One JDBC connection for control queries (existence checks, {@code read_only}, the swap, recreating views,
 * triggers, routines and events). Every {@link SQLException} becomes a {@link ResilienceException} with the
 * matching code (see {@link SqlErrors}). The password goes in a connection property, never in the URL.
 */
final class MysqlConnection implements AutoCloseable {
    private final Connection connection;
    private final String where;
    private String sessionMode;

    private MysqlConnection(Connection connection, String where) {
        this.connection = connection;
        this.where = where;
    }

    /**
     * Connects to the server the settings name.
     *
     * @param s the settings
     * @return an open connection with foreign key checks off (the swap moves tables in any order)
     */
    static MysqlConnection open(MysqlSettings s) {
        String url = s.socket().map(p -> "jdbc:mariadb://localhost/?localSocket=" + p)
                .orElse("jdbc:mariadb://" + s.host() + ":" + s.port() + "/");
        Properties props = new Properties();
        props.setProperty("user", s.user());
        s.password().ifPresent(p -> props.setProperty("password", p));
        props.setProperty("connectTimeout", "10000");
        props.setProperty("permitMysqlScheme", "true");
        try {
            Connection c = DriverManager.getConnection(url, props);
            MysqlConnection mc = new MysqlConnection(c, s.where());
            mc.execute("SET SESSION foreign_key_checks=0");
            mc.execute("SET NAMES utf8mb4");
            mc.sessionMode = mc.column("SELECT @@SESSION.sql_mode").get(0);
            return mc;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "cannot connect to MariaDB/MySQL server " + s.where(), s);
        }
    }

    /**
     * Runs a statement.
     *
     * @param sql the statement
     */
    void execute(String sql) {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw SqlErrors.map(e, "statement failed on " + where + ": " + abbreviate(sql), null);
        }
    }

    /**
     * Runs a statement, passing a failure through as {@link SQLException}.
     *
     * @param sql the statement
     * @throws SQLException as the server reported it
     */
    void executeRaw(String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        }
    }

    /**
     * Runs a statement that creates a routine, trigger, event or view under the modes it was created with, then
     * returns the session to its own.
     *
     * @param mode the object's {@code sql_mode}, client character set and connection collation
     * @param sql the statement
     * @throws SQLException as the server reported it
     */
    void executeUnder(ObjectModes.Mode mode, String sql) throws SQLException {
        String client = mode.charsetClient();
        // The driver always sends UTF-8: another client character set reads the same bytes only for ASCII text.
        if (!client.startsWith("utf8") && !sql.chars().allMatch(ch -> ch < 128)) {
            client = "utf8mb4";
        }
        executeRaw("SET SESSION sql_mode = " + literal(mode.sqlMode()) + ", character_set_client = " + literal(client)
                + ", collation_connection = " + literal(mode.collation()));
        try {
            executeRaw(sql);
        } finally {
            executeRaw("SET SESSION sql_mode = " + literal(sessionMode));
            executeRaw("SET NAMES utf8mb4");
        }
    }

    /**
     * The modes an object gets when its own are unknown (a dump written before they were recorded): the
     * server's default {@code sql_mode}, not this session's (the driver adds its own), and UTF-8.
     *
     * @return the server's defaults
     */
    ObjectModes.Mode defaultMode() {
        List<String> r = query("SELECT @@GLOBAL.sql_mode, @@SESSION.collation_connection").get(0);
        return new ObjectModes.Mode(r.get(0), "utf8mb4", r.get(1));
    }

    /**
     * Runs a query and returns its rows as text.
     *
     * @param sql the query
     * @return each row as its column values
     */
    List<List<String>> query(String sql) {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            List<List<String>> rows = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "query failed on " + where + ": " + abbreviate(sql), null);
        }
    }

    /**
     * Runs a query and returns its first column.
     *
     * @param sql the query
     * @return the values
     */
    List<String> column(String sql) {
        return query(sql).stream().map(r -> r.get(0)).toList();
    }

    /**
     * Makes a database the default for unqualified names.
     *
     * @param db the database
     */
    void use(String db) {
        execute("USE " + DatabaseNames.q(db));
    }

    /**
     * Quotes a string literal.
     *
     * @param value the text
     * @return {@code 'text'} with quotes and backslashes escaped
     */
    static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /**
     * Where this connection goes, for messages.
     *
     * @return {@code user@host:port}
     */
    String where() {
        return where;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing a broken connection: nothing to report
        }
    }

    static String abbreviate(String sql) {
        String oneLine = sql.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }
}

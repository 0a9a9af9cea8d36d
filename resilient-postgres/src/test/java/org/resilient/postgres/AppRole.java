package org.resilient.postgres;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import java.util.Set;
import org.resilient.testservers.PostgresServer;

/**
 * An ordinary application role (LOGIN, not a superuser) on the test servers, that owns what tests give it: the
 * client a fence must stop. Its password is random per run and set over JDBC, never on a command line.
 */
final class AppRole {
    /** The role's name. */
    static final String NAME = "resilient_app";
    private static final String PASSWORD = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    /** too_many_connections (a connection limit), insufficient_privilege (no CONNECT), admin_shutdown. */
    private static final Set<String> REFUSED_AT_DOOR = Set.of("53300", "42501", "57P01");
    /** read_only_sql_transaction. */
    private static final String READ_ONLY = "25006";

    private AppRole() {
    }

    /**
     * Creates the role on a server if needed and sets its password to this run's.
     *
     * @param server the server
     */
    static synchronized void ensure(PostgresServer server) {
        try (Connection c = DatabaseFingerprint.connect(server, "postgres"); Statement st = c.createStatement()) {
            st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + NAME + "') THEN "
                    + "CREATE ROLE " + NAME + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE; END IF; END $$");
            st.execute("ALTER ROLE " + NAME + " PASSWORD '" + PASSWORD + "'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create role " + NAME + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens a session as the role.
     *
     * @param server the server
     * @param database the database
     * @return the connection
     * @throws SQLException if the server refuses it
     */
    static Connection connect(PostgresServer server, String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", NAME);
        p.setProperty("password", PASSWORD);
        return DriverManager.getConnection(server.jdbcUrl(database), p);
    }

    /**
     * Whether the role can run the statements in a new session (rolled back afterwards).
     *
     * @param server the server
     * @param database the database
     * @param statements run in order, in autocommit mode (so {@code BEGIN READ WRITE} is sent as written)
     * @return false if the session is refused or a statement fails as read-only or for lack of privilege
     * @throws IllegalStateException on any other error, which says nothing about the fence
     */
    static boolean canWrite(PostgresServer server, String database, String... statements) {
        Connection c;
        try {
            c = connect(server, database);
        } catch (SQLException e) {
            if (REFUSED_AT_DOOR.contains(e.getSQLState())) {
                return false;
            }
            throw new IllegalStateException("role " + NAME + " cannot connect to " + database + ": " + e.getMessage(), e);
        }
        try (c; Statement st = c.createStatement()) {
            try {
                for (String sql : statements) {
                    st.execute(sql);
                }
                return true;
            } catch (SQLException e) {
                if (READ_ONLY.equals(e.getSQLState()) || "42501".equals(e.getSQLState())) {
                    return false;
                }
                throw new IllegalStateException(NAME + " on " + database + ": " + e.getMessage(), e);
            } finally {
                st.execute("ROLLBACK"); // a probe leaves nothing behind (a warning if no transaction was open)
            }
        } catch (SQLException e) {
            throw new IllegalStateException("role " + NAME + " on " + database + ": " + e.getMessage(), e);
        }
    }
}

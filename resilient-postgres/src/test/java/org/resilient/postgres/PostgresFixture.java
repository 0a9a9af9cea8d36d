package org.resilient.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.resilient.api.Settings;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testservers.PostgresServer;

/**
 * The contract kits' fixture for the postgres component: a fresh database on a live server, the same name
 * on a standby server, and fingerprints from {@link DatabaseFingerprint} (ordered per-table checksums,
 * sequences, large objects and definitions).
 */
final class PostgresFixture implements ComponentFixture {
    private final PostgresServer live;
    private final PostgresServer standby;
    private final String database;

    PostgresFixture(PostgresServer live, PostgresServer standby) {
        this.live = live;
        this.standby = standby;
        this.database = live.createDatabase();
    }

    @Override
    public ComponentProvider provider() {
        return new PostgresComponentProvider();
    }

    @Override
    public Settings exportSettings() {
        return TestBackups.settings(live, database);
    }

    @Override
    public Settings importSettings() {
        return TestBackups.settings(standby, database);
    }

    @Override
    public void seed() {
        live.psql(database, """
                CREATE SCHEMA app;
                CREATE TABLE app.item(id serial PRIMARY KEY, name text NOT NULL, doc jsonb, blob bytea);
                INSERT INTO app.item(name, doc, blob) SELECT 'item ' || g, jsonb_build_object('g', g),
                    decode(md5(g::text), 'hex') FROM generate_series(1, 500) g;
                CREATE VIEW app.named AS SELECT name FROM app.item;
                """);
    }

    @Override
    public void change(int round) {
        live.psql(database, "INSERT INTO app.item(name) VALUES ('round " + round + "'); "
                + "DELETE FROM app.item WHERE id = " + round + ";");
    }

    @Override
    public String liveFingerprint() {
        return fingerprint(live);
    }

    @Override
    public String standbyFingerprint() {
        return fingerprint(standby);
    }

    @Override
    public boolean standbyWritable() {
        try (Connection c = DatabaseFingerprint.connect(standby, database); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                st.executeUpdate("CREATE TABLE resilient_write_probe(x int)");
                return true;
            } catch (SQLException e) {
                if ("25006".equals(e.getSQLState())) { // read_only_sql_transaction
                    return false;
                }
                throw e;
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot probe the standby database " + database + ": " + e.getMessage(), e);
        }
    }

    private String fingerprint(PostgresServer server) {
        if (server.psql("postgres", "SELECT 1 FROM pg_database WHERE datname = '" + database + "'").isEmpty()) {
            return "no database " + database;
        }
        try {
            return DatabaseFingerprint.of(server, database).toString();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot fingerprint " + database + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (PostgresServer s : List.of(live, standby)) {
            if (s.isRunning()) {
                s.dropDatabase(database);
            }
        }
    }
}

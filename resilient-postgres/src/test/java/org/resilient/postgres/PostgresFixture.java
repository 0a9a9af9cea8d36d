package org.resilient.postgres;

import java.sql.SQLException;
import java.util.List;
import org.resilient.api.Settings;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testservers.PostgresServer;

/**
 * The contract kits' fixture for the postgres component: a fresh database on a live server, the same name
 * on a standby server, and fingerprints from {@link DatabaseFingerprint} (ordered per-table checksums,
 * sequences, large objects and definitions). The seeded schema and table belong to an ordinary role
 * ({@link AppRole}), which is the client {@link #standbyWritable()} writes as.
 */
final class PostgresFixture implements ComponentFixture {
    private final PostgresServer live;
    private final PostgresServer standby;
    private final String database;

    PostgresFixture(PostgresServer live, PostgresServer standby) {
        this.live = live;
        this.standby = standby;
        this.database = live.createDatabase();
        AppRole.ensure(live);
        AppRole.ensure(standby);
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
                ALTER SCHEMA app OWNER TO %s;
                ALTER TABLE app.item OWNER TO %s;
                """.formatted(AppRole.NAME, AppRole.NAME));
    }

    /**
     * The seeded schema plus a table of about {@code bytes} of random hex text, made by the server itself (md5 of
     * random numbers, one row per MiB), so nothing large passes through the test's heap and no dump compression
     * can make it small.
     */
    @Override
    public boolean seedLarge(long bytes) {
        seed();
        live.psql(database, """
                CREATE TABLE app.big(id int PRIMARY KEY, body text NOT NULL);
                ALTER TABLE app.big ALTER COLUMN body SET STORAGE EXTERNAL;
                INSERT INTO app.big SELECT r, (SELECT string_agg(md5(random()::text || r || g), '')
                    FROM generate_series(1, 32768) g) FROM generate_series(1, %d) r;
                ALTER TABLE app.big OWNER TO %s;
                """.formatted(Math.max(1, bytes >> 20), AppRole.NAME));
        return true;
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

    /**
     * Whether the owner of the seeded table, an ordinary role, can write to the standby, trying to get around a
     * read-only default with {@code BEGIN READ WRITE}.
     */
    @Override
    public boolean standbyWritable() {
        return AppRole.canWrite(standby, database, "BEGIN READ WRITE",
                "INSERT INTO app.item(id, name) VALUES (-1, 'write probe')"); // an explicit id: no sequence value used
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

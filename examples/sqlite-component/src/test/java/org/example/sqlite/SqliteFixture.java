package org.example.sqlite;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.resilient.api.Settings;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.testkit.ComponentFixture;

/**
 * The kit's view of the {@code sqlite} component: a live database in WAL mode (so the export must see the WAL's
 * content, not only the main file) and a standby beside it, fingerprinted table by table.
 */
final class SqliteFixture implements ComponentFixture {
    private final Path live;
    private final Path standby;

    SqliteFixture(Path dir) {
        this.live = dir.resolve("live.db");
        this.standby = dir.resolve("standby.db");
    }

    Path live() {
        return live;
    }

    Path standby() {
        return standby;
    }

    @Override
    public ComponentProvider provider() {
        return new SqliteComponentProvider();
    }

    @Override
    public Settings exportSettings() {
        return Settings.empty().with("sqlite.database", live.toString());
    }

    @Override
    public Settings importSettings() {
        return Settings.empty().with("sqlite.database", standby.toString());
    }

    @Override
    public void seed() {
        sql(live, "PRAGMA journal_mode=WAL",
                "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL, photo BLOB)",
                "CREATE INDEX customer_name ON customer(name)",
                "CREATE TABLE invoice (id INTEGER PRIMARY KEY, customer INTEGER REFERENCES customer(id), amount REAL)");
        try (Connection c = connect(live)) {
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO customer VALUES (?, ?, ?)");
                 PreparedStatement q = c.prepareStatement("INSERT INTO invoice VALUES (?, ?, ?)")) {
                for (int i = 1; i <= 2000; i++) {
                    p.setInt(1, i);
                    p.setString(2, "customer " + i + (i % 13 == 0 ? " 'quoted'\n\ttabbed" : ""));
                    p.setBytes(3, i % 5 == 0 ? new byte[] {(byte) i, 0, (byte) (i >> 8)} : null);
                    p.addBatch();
                    q.setInt(1, i);
                    q.setInt(2, i);
                    q.setDouble(3, i * 1.25);
                    q.addBatch();
                }
                p.executeBatch();
                q.executeBatch();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The seeded tables and a table of 1 MiB random blobs that SQLite makes itself (none passes through the heap). */
    @Override
    public boolean seedLarge(long bytes) {
        seed();
        sql(live, "CREATE TABLE big (id INTEGER PRIMARY KEY, data BLOB)",
                "INSERT INTO big (id, data) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
                        + Math.max(1, bytes >> 20) + ") SELECT i, randomblob(1048576) FROM n");
        return true;
    }

    @Override
    public void change(int round) {
        sql(live, "UPDATE customer SET name = 'renamed in round " + round + "' WHERE id = " + round,
                "DELETE FROM invoice WHERE id = " + (100 + round),
                "INSERT INTO invoice VALUES (" + (10_000 + round) + ", " + round + ", 99.5)");
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
        return writable(standby);
    }

    /** Whether an ordinary client can write the database: a write transaction starts, and is rolled back. */
    static boolean writable(Path db) {
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            s.execute("ROLLBACK");
            return true;
        } catch (SQLException e) {
            if (e.getMessage().contains("readonly")) {
                return false;
            }
            throw new IllegalStateException(e);
        }
    }

    static Connection connect(Path db) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + db);
    }

    static void sql(Path db, String... statements) {
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 over every table's schema and rows in rowid order; "no database" for a missing file. */
    static String fingerprint(Path db) {
        if (!Files.exists(db)) {
            return "no database";
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
             Statement s = c.createStatement()) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            List<String> tables = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")) {
                while (r.next()) {
                    md.update((r.getString(2) + "\n" + r.getString(3) + "\n").getBytes(StandardCharsets.UTF_8));
                    if ("table".equals(r.getString(1))) {
                        tables.add(r.getString(2)); // an index's content follows from its table's rows
                    }
                }
            }
            for (String t : tables) {
                try (ResultSet r = s.executeQuery("SELECT * FROM \"" + t + "\" ORDER BY rowid")) {
                    ResultSetMetaData m = r.getMetaData();
                    while (r.next()) {
                        for (int i = 1; i <= m.getColumnCount(); i++) {
                            byte[] v = r.getBytes(i);
                            md.update(v == null ? new byte[] {-1} : v);
                            md.update((byte) 0);
                        }
                    }
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (SQLException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint " + db + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // The kit removes the fixture's directory.
    }
}

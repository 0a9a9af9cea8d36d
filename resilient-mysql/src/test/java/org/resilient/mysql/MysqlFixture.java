package org.resilient.mysql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.resilient.api.Settings;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testservers.MariaDbServer;

/**
 * The contract kits' fixture for the mysql component: two fresh databases per test on a shared source
 * server and a shared standby server (servers are per test class, for speed). Fingerprints are the ordered
 * per-object fingerprints of {@link TestDb#fingerprint}: CHECKSUM TABLE, SHOW CREATE of tables, views,
 * routines, triggers and events.
 */
final class MysqlFixture implements ComponentFixture {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final MariaDbServer source;
    private final MariaDbServer standby;
    private final List<String> dbs;

    MysqlFixture(MariaDbServer source, MariaDbServer standby) {
        this.source = source;
        this.standby = standby;
        int n = COUNTER.incrementAndGet();
        this.dbs = List.of("kit" + n + "_main", "kit" + n + "_side");
        TestDb.createUser(standby, "kitapp", "kitapp-pw", "SELECT, INSERT, UPDATE, DELETE");
    }

    @Override
    public ComponentProvider provider() {
        return new MysqlComponentProvider();
    }

    @Override
    public Settings exportSettings() {
        return TestDb.settings(source, String.join(",", dbs));
    }

    @Override
    public Settings importSettings() {
        // Over the Unix socket, so that path (myloader --socket, JDBC localSocket) is covered too.
        return Settings.of(java.util.Map.of("mysql.socket", standby.socket().toString(), "mysql.user", "root",
                "mysql.threads", "2", "mysql.timeout", "3m"));
    }

    @Override
    public void seed() {
        String main = dbs.get(0);
        String side = dbs.get(1);
        source.execute("CREATE DATABASE " + main + " CHARACTER SET utf8mb4; CREATE DATABASE " + side + ";"
                + "USE " + main + ";"
                + "CREATE TABLE item (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40), price DECIMAL(10,2),"
                + " gross DECIMAL(10,2) AS (price * 1.2) STORED, at DATETIME(6), doc JSON) ENGINE=InnoDB;"
                + "INSERT INTO item (name, price, at, doc) VALUES ('tea 🍵', 3.50, '2024-05-01 10:00:00.000001', '{\"k\": 1}'),"
                + " ('cake', 2.25, NULL, NULL);"
                // InnoDB only: MyISAM is covered by MysqlRoundTripTest and MysqlFailureTest; here it would put
                // every contract export on mydumper 0.10's racy non-InnoDB lock path (see MysqlExporter).
                + "CREATE TABLE note (id INT PRIMARY KEY, body BLOB) ENGINE=InnoDB;"
                + "INSERT INTO note VALUES (1, UNHEX('00FF00'));"
                + "CREATE VIEW cheap AS SELECT id, name FROM item WHERE price < 3;"
                + "CREATE TRIGGER item_name BEFORE INSERT ON item FOR EACH ROW SET NEW.name = TRIM(NEW.name);"
                + "CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;"
                + "USE " + side + ";"
                + "CREATE TABLE counter (k VARCHAR(10) PRIMARY KEY, v BIGINT) ENGINE=InnoDB;"
                + "INSERT INTO counter VALUES ('a', 1);");
    }

    /**
     * The seeded databases plus a table of about {@code bytes} of random hex text in 1 KiB rows, made by the server
     * itself (32 MD5s of RAND() a row, rows from the SEQUENCE engine), so nothing large passes through the test's heap
     * and no dump compression can make it small.
     */
    @Override
    public boolean seedLarge(long bytes) {
        seed();
        String row = "CONCAT(" + String.join(", ", java.util.Collections.nCopies(32, "MD5(RAND())")) + ")";
        source.execute("USE " + dbs.get(0) + "; CREATE TABLE big (id INT PRIMARY KEY, body TEXT NOT NULL) ENGINE=InnoDB;"
                + "INSERT INTO big SELECT seq, " + row + " FROM seq_1_to_" + Math.max(1, bytes >> 10)
                + ";");
        return true;
    }

    @Override
    public void change(int round) {
        TestDb.exec(source,
                "INSERT INTO " + dbs.get(0) + ".item (name, price) VALUES ('round " + round + "', " + round + ")",
                "UPDATE " + dbs.get(1) + ".counter SET v = v + " + round,
                "CREATE OR REPLACE VIEW " + dbs.get(0) + ".cheap AS SELECT id, name FROM " + dbs.get(0)
                        + ".item WHERE price < " + (3 + round));
    }

    @Override
    public String liveFingerprint() {
        return TestDb.fingerprint(source, dbs, false).toString();
    }

    @Override
    public String standbyFingerprint() {
        Map<String, String> f = TestDb.fingerprint(standby, dbs, false);
        return f.isEmpty() ? "(standby holds nothing)" : f.toString();
    }

    @Override
    public boolean standbyWritable() {
        try (Connection c = DriverManager.getConnection(standby.jdbcUrl(""), "kitapp", "kitapp-pw")) {
            // an explicit read-write transaction: a fence that a session can lift is no fence
            var st = c.createStatement();
            st.execute("START TRANSACTION READ WRITE");
            st.execute("UPDATE " + dbs.get(1) + ".counter SET v = v WHERE k = 'a'");
            st.execute("ROLLBACK");
            return true;
        } catch (SQLException e) {
            if (e.getMessage().contains("read-only") || e.getMessage().contains("read_only")) {
                return false;
            }
            throw new IllegalStateException("unexpected failure probing the standby", e);
        }
    }

    @Override
    public void close() {
        for (MariaDbServer s : List.of(source, standby)) {
            if (s.isRunning()) {
                for (String db : dbs) {
                    s.execute("DROP DATABASE IF EXISTS " + db + "; DROP DATABASE IF EXISTS " + db + "__rtmp;"
                            + " DROP DATABASE IF EXISTS " + db + "__rold;");
                }
            }
        }
    }
}

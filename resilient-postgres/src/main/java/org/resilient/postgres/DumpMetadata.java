package org.resilient.postgres;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * The small description the exporter writes beside the dumps ({@value #FILE_NAME}): the server version,
 * and for each database its name, the directory holding its dump, its encoding, locale, owner and
 * {@link DatabaseProperties} (settings, comment, connection limit, ACL). Database names
 * may hold any character, so dump directories get safe names and this file maps them back.
 *
 * @param serverVersionNum the source server's {@code server_version_num}
 * @param databases the dumped databases
 * @param globals whether {@value #GLOBALS_FILE} was written
 */
record DumpMetadata(int serverVersionNum, List<Database> databases, boolean globals) {
    /** The metadata file's name in the data directory. */
    public static final String FILE_NAME = "resilient-postgres.properties";
    /** The globals file's name in the data directory. */
    public static final String GLOBALS_FILE = "globals.sql";
    private static final String FORMAT = "1";

    /**
     * One dumped database.
     *
     * @param name its name
     * @param directory the directory of its pg_dump (directory format), relative to the data directory
     * @param encoding e.g. {@code UTF8}
     * @param collate its LC_COLLATE
     * @param ctype its LC_CTYPE
     * @param owner the role owning it on the source, or empty
     * @param properties its settings, comment, connection limit and ACL, or null (a backup of an older version)
     */
    public record Database(String name, String directory, String encoding, String collate, String ctype,
                           String owner, DatabaseProperties properties) {

        /**
         * A database without recorded properties.
         *
         * @param name its name
         * @param directory its dump's directory
         * @param encoding its encoding
         * @param collate its LC_COLLATE
         * @param ctype its LC_CTYPE
         * @param owner its owner, or empty
         */
        public Database(String name, String directory, String encoding, String collate, String ctype, String owner) {
            this(name, directory, encoding, collate, ctype, owner, null);
        }
    }

    /** Freezes the list. */
    public DumpMetadata {
        databases = List.copyOf(databases);
    }

    /**
     * A safe directory name for the dump of the i-th database.
     *
     * @param index the position
     * @param name the database name
     * @return e.g. {@code db-00-shop}
     */
    public static String directoryFor(int index, String name) {
        String safe = name.replaceAll("[^A-Za-z0-9_-]", "_");
        if (safe.length() > 40) {
            safe = safe.substring(0, 40);
        }
        return String.format("db-%02d-%s", index, safe);
    }

    /**
     * Writes the file.
     *
     * @param dataDir the data directory
     */
    public void write(Path dataDir) {
        Properties p = new Properties();
        p.setProperty("format", FORMAT);
        p.setProperty("server.version-num", Integer.toString(serverVersionNum));
        p.setProperty("globals", Boolean.toString(globals));
        p.setProperty("databases", Integer.toString(databases.size()));
        for (int i = 0; i < databases.size(); i++) {
            Database d = databases.get(i);
            p.setProperty("database." + i + ".name", d.name());
            p.setProperty("database." + i + ".directory", d.directory());
            p.setProperty("database." + i + ".encoding", d.encoding());
            p.setProperty("database." + i + ".collate", d.collate());
            p.setProperty("database." + i + ".ctype", d.ctype());
            p.setProperty("database." + i + ".owner", d.owner());
            DatabaseProperties props = d.properties();
            if (props != null) {
                String k = "database." + i + ".";
                p.setProperty(k + "connection-limit", Integer.toString(props.connectionLimit()));
                p.setProperty(k + "comment", props.comment());
                list(p, k + "setting.", props.settings());
                list(p, k + "grant.", props.grants());
            }
        }
        try (Writer w = Files.newBufferedWriter(dataDir.resolve(FILE_NAME), StandardCharsets.UTF_8)) {
            p.store(w, "written by resilient's postgres exporter; do not edit");
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot write " + dataDir.resolve(FILE_NAME) + ": "
                    + e.getMessage());
        }
    }

    /**
     * Reads and checks the file.
     *
     * @param dataDir the data directory of a backup
     * @return the metadata
     * @throws ResilienceException {@code MANIFEST_INVALID} if it is missing or malformed
     */
    public static DumpMetadata read(Path dataDir) {
        Path f = dataDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(f)) {
            throw invalid(f, "it is missing; this is not a backup made by the postgres component");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw invalid(f, "it cannot be read: " + e.getMessage());
        }
        if (!FORMAT.equals(p.getProperty("format"))) {
            throw invalid(f, "unknown format '" + p.getProperty("format") + "'; a newer resilient wrote it");
        }
        try {
            int n = Integer.parseInt(p.getProperty("databases", "-1"));
            if (n < 0) {
                throw invalid(f, "'databases' is missing");
            }
            List<Database> dbs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String dir = need(p, f, "database." + i + ".directory");
                if (!dir.matches("[A-Za-z0-9_-]+")) {
                    throw invalid(f, "unsafe dump directory '" + dir + "'");
                }
                dbs.add(new Database(need(p, f, "database." + i + ".name"), dir,
                        need(p, f, "database." + i + ".encoding"), p.getProperty("database." + i + ".collate", ""),
                        p.getProperty("database." + i + ".ctype", ""), p.getProperty("database." + i + ".owner", ""),
                        properties(p, "database." + i + ".")));
            }
            return new DumpMetadata(Integer.parseInt(need(p, f, "server.version-num")), dbs,
                    Boolean.parseBoolean(p.getProperty("globals", "false")));
        } catch (NumberFormatException e) {
            throw invalid(f, "a number is malformed: " + e.getMessage());
        }
    }

    private static void list(Properties p, String prefix, List<String> values) {
        p.setProperty(prefix + "count", Integer.toString(values.size()));
        for (int i = 0; i < values.size(); i++) {
            p.setProperty(prefix + i, values.get(i));
        }
    }

    /** The properties of a database, or null if the backup does not record them (an older version wrote it). */
    private static DatabaseProperties properties(Properties p, String prefix) {
        String limit = p.getProperty(prefix + "connection-limit");
        if (limit == null) {
            return null;
        }
        return new DatabaseProperties(Integer.parseInt(limit), p.getProperty(prefix + "comment", ""),
                readList(p, prefix + "setting."), readList(p, prefix + "grant."));
    }

    private static List<String> readList(Properties p, String prefix) {
        int n = Integer.parseInt(p.getProperty(prefix + "count", "0"));
        List<String> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String v = p.getProperty(prefix + i);
            if (v == null) {
                throw new NumberFormatException("'" + prefix + i + "' is missing");
            }
            values.add(v);
        }
        return values;
    }

    private static String need(Properties p, Path f, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isEmpty()) {
            throw invalid(f, "'" + key + "' is missing");
        }
        return v;
    }

    private static ResilienceException invalid(Path f, String why) {
        return new ResilienceException(ErrorCode.MANIFEST_INVALID, "postgres backup metadata " + f + " refused: "
                + why + ". Do not import this backup; export again.");
    }
}

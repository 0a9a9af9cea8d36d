package org.resilient.mysql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * What a mydumper 0.10 directory holds, by file name: per database its tables (schema and data files),
 * views, triggers and routines/events ({@code -schema-post.sql}), plus the component's own description file
 * {@value #DESCRIPTION} naming the databases (so empty databases survive too).
 */
final class DumpLayout {
    /** The file the exporter writes beside mydumper's output. */
    static final String DESCRIPTION = "resilient-mysql.properties";
    private static final Pattern CHARSET = Pattern.compile("CHARACTER SET (\\w+)");
    private static final Pattern COLLATE = Pattern.compile("COLLATE (\\w+)");

    /** The files of one database. */
    static final class Database {
        final String name;
        Path schemaCreate;
        Path post;
        final Map<String, Path> tableSchemas = new TreeMap<>();
        final Map<String, List<Path>> tableData = new TreeMap<>();
        final Map<String, Path> views = new TreeMap<>();
        final Map<String, Path> triggers = new TreeMap<>();

        Database(String name) {
            this.name = name;
        }

        /** Files myloader needs to load the base tables (not views: their placeholder tables are skipped). */
        List<Path> tableFiles() {
            return tableFiles(tables());
        }

        /** Files myloader needs to load these base tables. */
        List<Path> tableFiles(java.util.Set<String> tables) {
            List<Path> files = new ArrayList<>();
            for (Map.Entry<String, Path> t : tableSchemas.entrySet()) {
                if (tables.contains(t.getKey()) && !views.containsKey(t.getKey())) {
                    files.add(t.getValue());
                    files.addAll(tableData.getOrDefault(t.getKey(), List.of()));
                }
            }
            return files;
        }

        /** Names of the base tables. */
        TreeSet<String> tables() {
            TreeSet<String> names = new TreeSet<>(tableSchemas.keySet());
            names.removeAll(views.keySet());
            return names;
        }

        /** The {@code CHARACTER SET x COLLATE y} clause of the database, or empty. */
        String charsetClause() throws IOException {
            if (schemaCreate == null) {
                return "";
            }
            String text = Files.readString(schemaCreate, StandardCharsets.UTF_8);
            StringBuilder b = new StringBuilder();
            Matcher cs = CHARSET.matcher(text);
            if (cs.find()) {
                b.append(" CHARACTER SET ").append(cs.group(1));
            }
            Matcher co = COLLATE.matcher(text);
            if (co.find()) {
                b.append(" COLLATE ").append(co.group(1));
            }
            return b.toString();
        }
    }

    final Path directory;
    final Map<String, Database> databases = new LinkedHashMap<>();
    final Path metadata;
    private List<String> schemaTexts;

    private DumpLayout(Path directory, Path metadata) {
        this.directory = directory;
        this.metadata = metadata;
    }

    /**
     * Reads a dump directory.
     *
     * @param dir the directory
     * @return its layout
     * @throws ResilienceException with {@link ErrorCode#MANIFEST_INVALID} if it is not a backup of this component
     */
    static DumpLayout read(Path dir) {
        Path description = dir.resolve(DESCRIPTION);
        Path metadata = dir.resolve("metadata");
        if (!Files.isRegularFile(description) || !Files.isRegularFile(metadata)) {
            throw new ResilienceException(ErrorCode.MANIFEST_INVALID, dir + " is not a backup of the mysql component (no "
                    + DESCRIPTION + " or mydumper metadata file); was it exported by another component?");
        }
        DumpLayout layout = new DumpLayout(dir, metadata);
        try {
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(description, StandardCharsets.UTF_8)) {
                p.load(in);
            }
            for (String db : p.getProperty("databases", "").split(",", -1)) {
                if (!db.isBlank()) {
                    String why = DatabaseNames.problem(db.trim());
                    if (why != null) {
                        throw new ResilienceException(ErrorCode.MANIFEST_INVALID,
                                DESCRIPTION + " in " + dir + " names database '" + db + "': " + why);
                    }
                    layout.databases.put(db.trim(), new Database(db.trim()));
                }
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.sorted().toList()) {
                    layout.classify(f);
                }
            }
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot read the backup in " + dir + ": " + e.getMessage());
        }
        return layout;
    }

    /**
     * Writes the description file.
     *
     * @param dir the export directory
     * @param databases the databases dumped
     * @param toolVersion mydumper's version line
     */
    static void describe(Path dir, List<String> databases, String toolVersion) throws IOException {
        String text = "# written by resilient-mysql: what this mydumper directory holds\n"
                + "format=1\n"
                + "databases=" + String.join(",", databases) + "\n"
                + "tool=" + toolVersion.replaceAll("[\\r\\n]", " ").trim() + "\n";
        Files.writeString(dir.resolve(DESCRIPTION), text, StandardCharsets.UTF_8);
    }

    /**
     * The texts of every table schema file of the dump (every database: foreign keys may cross them).
     *
     * @return the texts, read once and kept
     * @throws IOException if a file cannot be read
     */
    List<String> tableSchemaTexts() throws IOException {
        if (schemaTexts == null) {
            List<String> texts = new ArrayList<>();
            for (Database db : databases.values()) {
                for (Path f : db.tableSchemas.values()) {
                    texts.add(Files.readString(f, StandardCharsets.UTF_8));
                }
            }
            schemaTexts = List.copyOf(texts);
        }
        return schemaTexts;
    }

    /**
     * One database of the dump.
     *
     * @param name its name
     * @return the files, if the dump holds it
     */
    Optional<Database> database(String name) {
        return Optional.ofNullable(databases.get(name));
    }

    private void classify(Path f) {
        String name = f.getFileName().toString();
        for (Database db : databases.values()) {
            if (name.equals(db.name + "-schema-create.sql")) {
                db.schemaCreate = f;
                return;
            }
            if (name.equals(db.name + "-schema-post.sql")) {
                db.post = f;
                return;
            }
            String prefix = db.name + ".";
            if (!name.startsWith(prefix) || !name.endsWith(".sql")) {
                continue;
            }
            String rest = name.substring(prefix.length());
            if (rest.endsWith("-schema-view.sql")) {
                db.views.put(strip(rest, "-schema-view.sql"), f);
            } else if (rest.endsWith("-schema-triggers.sql")) {
                db.triggers.put(strip(rest, "-schema-triggers.sql"), f);
            } else if (rest.endsWith("-schema.sql")) {
                db.tableSchemas.put(strip(rest, "-schema.sql"), f);
            } else {
                // data: <table>.sql or a chunk <table>.<nnnnn>.sql
                String table = strip(rest, ".sql").replaceFirst("\\.\\d+$", "");
                db.tableData.computeIfAbsent(table, k -> new ArrayList<>()).add(f);
            }
            return;
        }
    }

    private static String strip(String s, String suffix) {
        return s.substring(0, s.length() - suffix.length());
    }
}

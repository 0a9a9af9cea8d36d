package org.resilient.mysql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code sql_mode}, client character set and connection collation each routine, trigger and event was
 * created under. They decide how its body is parsed and computes ({@code PIPES_AS_CONCAT} makes {@code ||}
 * concatenate, {@code ANSI_QUOTES} makes {@code "x"} an identifier, {@code NO_BACKSLASH_ESCAPES} keeps
 * backslashes), so the standby must create each object under the same ones. mydumper 0.10 writes only the
 * character sets, so the exporter records all of them in {@value #FILE} next to the dump.
 */
final class ObjectModes {
    /** The file the exporter writes into the dump directory. */
    static final String FILE = "resilient-object-modes.tsv";
    private static final String NAME = "(?:`(?:[^`]|``)+`|\"(?:[^\"]|\"\")+\"|[\\w$]+)";
    private static final Pattern CREATE = Pattern.compile("(?is)^\\s*CREATE\\b.*?\\s(FUNCTION|PROCEDURE|TRIGGER|EVENT|VIEW)\\s+"
            + "(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:" + NAME + "\\.)?(" + NAME + ")");

    /**
     * What an object was created under.
     *
     * @param sqlMode its {@code sql_mode}
     * @param charsetClient its {@code character_set_client}
     * @param collation its {@code collation_connection}
     */
    record Mode(String sqlMode, String charsetClient, String collation) {
    }

    private final Map<String, Mode> modes;

    private ObjectModes(Map<String, Mode> modes) {
        this.modes = modes;
    }

    /**
     * Records the modes of every routine, trigger and event of the databases into {@value #FILE} in a dump.
     *
     * @param c a connection to the source
     * @param dir the dump directory
     * @param databases the dumped databases
     * @throws IOException if the file cannot be written
     */
    static void record(MysqlConnection c, Path dir, List<String> databases) throws IOException {
        String in = databases.stream().map(MysqlConnection::literal).collect(Collectors.joining(","));
        String cols = "SQL_MODE, CHARACTER_SET_CLIENT, COLLATION_CONNECTION";
        List<List<String>> rows = new ArrayList<>();
        rows.addAll(c.query("SELECT ROUTINE_TYPE, ROUTINE_SCHEMA, ROUTINE_NAME, " + cols
                + " FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA IN (" + in + ")"));
        rows.addAll(c.query("SELECT 'TRIGGER', TRIGGER_SCHEMA, TRIGGER_NAME, " + cols
                + " FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA IN (" + in + ")"));
        rows.addAll(c.query("SELECT 'EVENT', EVENT_SCHEMA, EVENT_NAME, " + cols
                + " FROM information_schema.EVENTS WHERE EVENT_SCHEMA IN (" + in + ")"));
        StringBuilder b = new StringBuilder("# kind, database, name, sql_mode, character_set_client, collation_connection\n");
        for (List<String> r : rows) {
            b.append(r.stream().map(ObjectModes::escape).collect(Collectors.joining("\t"))).append('\n');
        }
        Files.writeString(dir.resolve(FILE), b.toString(), StandardCharsets.UTF_8);
    }

    /**
     * Reads the modes a dump recorded; a dump without them (written by an older version) yields none.
     *
     * @param dir the dump directory
     * @return the modes
     * @throws IOException if the file exists but cannot be read
     */
    static ObjectModes read(Path dir) throws IOException {
        Map<String, Mode> modes = new HashMap<>();
        Path f = dir.resolve(FILE);
        if (Files.isRegularFile(f)) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] p = line.split("\t", -1);
                if (p.length == 6) {
                    modes.put(key(unescape(p[0]), unescape(p[1]), unescape(p[2])),
                            new Mode(unescape(p[3]), unescape(p[4]), unescape(p[5])));
                }
            }
        }
        return new ObjectModes(modes);
    }

    /**
     * The modes of the object a {@code CREATE} statement creates.
     *
     * @param db the database it is created in
     * @param statement the statement
     * @return its recorded modes, or empty if it is not a routine, trigger or event or none were recorded
     */
    Optional<Mode> of(String db, String statement) {
        return identify(statement).map(k -> modes.get(key(k.get(0), db, k.get(1))));
    }

    /**
     * The modes to recreate a view under. A view keeps no {@code sql_mode}: the server stores its definition
     * canonical ({@code a || b} under {@code PIPES_AS_CONCAT} becomes {@code concat(a,b)}, {@code "c"} under
     * {@code ANSI_QUOTES} becomes {@code `c`}), with string literals always backslash-escaped ({@code 'it\'s'}),
     * and {@code SHOW CREATE VIEW} quotes names with {@code "} only when the session showing it has
     * {@code ANSI_QUOTES}. So the text parses to the same view exactly under an empty {@code sql_mode}, plus
     * {@code ANSI_QUOTES} if its names are quoted that way; under the standby server's default mode it would not if
     * that has {@code NO_BACKSLASH_ESCAPES} ({@code 'a\\b'} would silently become four characters) or lacks the
     * quoting the text uses.
     *
     * @param statement the view's {@code CREATE} statement, as {@code SHOW CREATE VIEW} gave it
     * @param charsets the character set and collation to create it with
     * @return the modes
     */
    static Mode forView(String statement, Mode charsets) {
        Matcher m = CREATE.matcher(statement);
        boolean ansiQuoted = m.find() && m.group(2).startsWith("\"");
        return new Mode(ansiQuoted ? "ANSI_QUOTES" : "", charsets.charsetClient(), charsets.collation());
    }

    /**
     * What a {@code CREATE} statement creates.
     *
     * @param statement the statement
     * @return its kind (FUNCTION, PROCEDURE, TRIGGER, EVENT or VIEW, upper case) and unquoted name, or empty
     */
    static Optional<List<String>> identify(String statement) {
        Matcher m = CREATE.matcher(statement);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(List.of(m.group(1).toUpperCase(java.util.Locale.ROOT), unquote(m.group(2))));
    }

    static String unquote(String name) {
        if (name.startsWith("`")) {
            return name.substring(1, name.length() - 1).replace("``", "`");
        }
        if (name.startsWith("\"")) {
            return name.substring(1, name.length() - 1).replace("\"\"", "\"");
        }
        return name;
    }

    private static String key(String kind, String db, String name) {
        return kind.toUpperCase(java.util.Locale.ROOT) + "\0" + db + "\0" + name;
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }
}

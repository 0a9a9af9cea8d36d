package org.resilient.mysql;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads big InnoDB tables without their plain secondary indexes and builds those afterwards, as newer
 * mydumper's {@code --innodb-optimize-keys} does (myloader 0.10 lacks it). Maintaining a secondary index row
 * by row during the load costs random B-tree inserts; {@code ALTER TABLE ... ADD KEY} afterwards builds it
 * from one scan and a sort, page by page. Measured on the mysql benchmark's 4.3-million-row table with one
 * {@code KEY(user_id)}: load without the key 30-45 s plus 5-8 s to add it, against 47-68 s with it.
 *
 * <p>Only what is safe to defer is: plain {@code KEY}s of an InnoDB table that has no foreign key, is not
 * referenced by one (InnoDB needs those indexes while the constraint exists), and has no FULLTEXT or SPATIAL
 * index, no system versioning and no generated column (kept exactly as they are: MariaDB 10.11's
 * {@code CHECKSUM TABLE} of a table with a virtual column changes after an {@code ALTER TABLE ... ADD KEY}
 * although its rows do not, and checksums are how standbys are compared with their source). PRIMARY and UNIQUE keys stay in the
 * {@code CREATE TABLE}: they define the rows. The keys are added back in their original order, so
 * {@code SHOW CREATE TABLE} ends up the same as on the source. The table lives in the temporary database
 * until the swap, so a failed key build leaves the standby as it was.
 */
final class DeferredKeys {
    private static final Pattern REFERENCES = Pattern.compile("REFERENCES\\s+(?:`(?:[^`]|``)+`\\.)?`((?:[^`]|``)+)`");

    /**
     * A {@code CREATE TABLE} without its plain secondary keys, and those keys.
     *
     * @param schema the schema file's text with the keys removed
     * @param keys the key definitions removed, in their order (e.g. {@code KEY `k` (`c`)})
     */
    record Split(String schema, List<String> keys) {
        /**
         * The statement that adds the keys back.
         *
         * @param qualifiedTable the table, quoted and qualified
         * @return {@code ALTER TABLE t ADD KEY ..., ADD KEY ...}
         */
        String alter(String qualifiedTable) {
            return "ALTER TABLE " + qualifiedTable + " " + String.join(", ", keys.stream().map(k -> "ADD " + k).toList());
        }
    }

    private DeferredKeys() {
    }

    /**
     * Names of the tables that foreign keys in these schema texts reference (without their database: a name
     * referenced anywhere keeps its keys everywhere, which is the safe side).
     *
     * @param schemas texts of {@code CREATE TABLE} files
     * @return the referenced table names
     */
    static Set<String> referencedTables(Collection<String> schemas) {
        Set<String> names = new TreeSet<>();
        for (String s : schemas) {
            Matcher m = REFERENCES.matcher(s);
            while (m.find()) {
                names.add(m.group(1).replace("``", "`"));
            }
        }
        return names;
    }

    /**
     * Splits the plain secondary keys off a mydumper 0.10 table schema file ({@code SHOW CREATE TABLE}
     * output: one column or key per line), if the table qualifies (see the class comment).
     *
     * @param schema the schema file's text
     * @param table the table's name
     * @param referenced names of tables referenced by foreign keys
     * @return the split, or empty when nothing is deferred
     */
    static Optional<Split> split(String schema, String table, Set<String> referenced) {
        if (referenced.contains(table)) {
            return Optional.empty();
        }
        String[] lines = schema.split("\n", -1);
        int create = -1;
        int close = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("CREATE TABLE ")) {
                if (create >= 0) {
                    return Optional.empty(); // not the one-table file we know
                }
                create = i;
            } else if (create >= 0 && close < 0 && lines[i].startsWith(")")) {
                close = i;
            }
        }
        if (create < 0 || close < 0 || !lines[create].endsWith("(") || !lines[close].startsWith(") ENGINE=InnoDB")
                || schema.contains("WITH SYSTEM VERSIONING") || schema.contains(" GENERATED ALWAYS AS ")) {
            return Optional.empty();
        }
        List<String> kept = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = create + 1; i < close; i++) {
            String element = lines[i].endsWith(",") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            String t = element.strip();
            if (!lines[i].startsWith("  ") || t.startsWith("FULLTEXT ") || t.startsWith("SPATIAL ")
                    || t.contains("FOREIGN KEY")) {
                return Optional.empty();
            }
            if (lines[i].startsWith("  KEY `")) {
                keys.add(t);
            } else {
                kept.add(element);
            }
        }
        if (keys.isEmpty() || kept.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i <= create; i++) {
            b.append(lines[i]).append('\n');
        }
        b.append(String.join(",\n", kept)).append('\n');
        for (int i = close; i < lines.length; i++) {
            b.append(lines[i]);
            if (i < lines.length - 1) {
                b.append('\n');
            }
        }
        return Optional.of(new Split(b.toString(), List.copyOf(keys)));
    }
}

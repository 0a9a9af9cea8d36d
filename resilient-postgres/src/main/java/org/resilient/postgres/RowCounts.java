package org.resilient.postgres;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * The import check by rows: every table's data in the dump ({@code <dumpId>.dat} of a directory-format,
 * uncompressed {@code pg_dump}, COPY text with one line per row) holds as many rows as the restored table. A
 * table count alone misses a restore that lost rows.
 */
final class RowCounts {
    private static final Pattern TOC_DATA = Pattern.compile("^(\\d+); \\d+ \\d+ TABLE DATA (.*)$");

    private RowCounts() {
    }

    /**
     * Compares the rows of every table of a dump with the restored database's.
     *
     * @param pg the session
     * @param toc the dump's table of contents ({@code pg_restore -l})
     * @param dump the dump's directory
     * @param rows the rows of the dump's data files by file name ({@link #count(Path)})
     * @param source the database the dump was made of, for messages
     * @param restored the restored database
     * @throws ResilienceException {@code VERIFICATION_FAILED} naming the first tables whose counts differ
     */
    static void check(PgSession pg, String toc, Path dump, Map<String, Long> rows, String source, String restored) {
        List<String[]> tables = new ArrayList<>();
        for (String row : pg.query(restored, "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n "
                + "ON n.oid = c.relnamespace WHERE c.relkind = 'r'")) {
            tables.add(row.split("\u001f", -1));
        }
        List<String[]> expected = new ArrayList<>(); // schema, table, rows in the dump
        for (String line : toc.lines().toList()) {
            Matcher m = TOC_DATA.matcher(line);
            if (!m.matches()) {
                continue;
            }
            // "schema table owner": names may hold spaces, so match the restored tables' names (the longest)
            String rest = m.group(2);
            String[] table = tables.stream().filter(t -> rest.startsWith(t[0] + " " + t[1] + " "))
                    .max((a, b) -> Integer.compare(a[0].length() + a[1].length(), b[0].length() + b[1].length()))
                    .orElseThrow(() -> new ResilienceException(ErrorCode.VERIFICATION_FAILED, "the dump of '" + source
                            + "' holds data for table '" + rest + "', which the restored database '" + restored
                            + "' does not have; the standby keeps its previous state"));
            Long dumped = rows.get(m.group(1) + ".dat");
            if (dumped == null) {
                continue; // a compressed dump of an older version: its tables were counted above
            }
            expected.add(new String[] {table[0], table[1], Long.toString(dumped)});
        }
        if (expected.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < expected.size(); i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT ").append(i).append(", count(*) FROM ONLY ")
                    .append(PgSession.ident(expected.get(i)[0])).append('.').append(PgSession.ident(expected.get(i)[1]));
        }
        List<String> wrong = new ArrayList<>();
        for (String row : pg.query(restored, sql.toString())) {
            String[] f = row.split("\u001f", -1);
            String[] e = expected.get(Integer.parseInt(f[0]));
            if (!e[2].equals(f[1].trim())) {
                wrong.add(e[0] + "." + e[1] + " has " + f[1].trim() + " rows, the dump " + e[2]);
            }
        }
        if (!wrong.isEmpty()) {
            throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "restored database '" + restored + "' on "
                    + pg.settings().where() + " does not hold the rows of the dump of '" + source + "': "
                    + String.join("; ", wrong.subList(0, Math.min(5, wrong.size())))
                    + (wrong.size() > 5 ? " (and " + (wrong.size() - 5) + " more)" : "")
                    + "; the standby keeps its previous state");
        }
    }

    /**
     * Counts the rows of every uncompressed data file ({@code <dumpId>.dat}) of a directory-format dump. The
     * importer runs it while {@code pg_restore} reads the same files (so they are read from the page cache once),
     * and stops it by interrupting its thread.
     *
     * @param dump the dump's directory
     * @return rows by file name
     * @throws ResilienceException {@code IO_ERROR} if a file cannot be read; {@code CANCELLED} if interrupted
     */
    static Map<String, Long> count(Path dump) {
        Map<String, Long> rows = new HashMap<>();
        try (Stream<Path> files = Files.list(dump)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(".dat") && !name.equals("toc.dat") && Files.isRegularFile(f)) {
                    rows.put(name, rows(f));
                }
            }
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot list " + dump + " to count its rows: "
                    + e.getMessage());
        }
        return rows;
    }

    /**
     * The rows of a COPY text file: its lines up to the end marker {@code \.}, if any (a row never reads so: a
     * backslash in data is written {@code \\}). Reads in large blocks: a byte at a time through a stream cost
     * seconds per GB, as much as the restore of a simple table.
     */
    static long rows(Path data) {
        // FileInputStream reads straight into the array; Files.newInputStream copies through a direct buffer
        try (InputStream in = new FileInputStream(data.toFile())) {
            byte[] buf = new byte[1 << 20];
            long lines = 0;
            int column = 0;
            boolean marker = false; // the line so far is "\" or "\."
            int n;
            while ((n = in.read(buf)) > 0) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new ResilienceException(ErrorCode.CANCELLED, "counting the rows of " + data + " was stopped");
                }
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        if (marker && column == 2) {
                            return lines;
                        }
                        lines++;
                        column = 0;
                        marker = false;
                    } else {
                        if (column < 2) {
                            marker = (column == 0 && b == '\\') || (column == 1 && marker && b == '.');
                        } else {
                            marker = false;
                        }
                        column++;
                    }
                }
            }
            return column == 0 || (marker && column == 2) ? lines : lines + 1;
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot read " + data + " to count its rows: "
                    + e.getMessage());
        }
    }
}

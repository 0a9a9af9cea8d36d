package org.resilient.testkit.memory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.testkit.KitFiles;

/**
 * The dump format of the {@code memory} component: the entries in parts of {@value #PART_SIZE} lines
 * ({@code part-0000.tsv}: {@code %-escaped key TAB %-escaped value}) and an {@code index} naming each part
 * with its SHA-256 and line count. Reading checks everything, so a truncated, changed or missing part is
 * refused instead of imported half.
 */
final class MemoryDump {
    static final int PART_SIZE = 500;
    static final String INDEX = "index";
    private static final String MAGIC = "resilient-memory-dump 1";

    private MemoryDump() {
    }

    static void write(SortedMap<String, String> data, Path dir, ProgressListener progress, Cancellation cancellation) {
        List<Map.Entry<String, String>> entries = new ArrayList<>(data.entrySet());
        StringBuilder index = new StringBuilder(MAGIC).append('\n').append("entries ").append(entries.size()).append('\n');
        for (int part = 0, from = 0; from < entries.size(); part++, from += PART_SIZE) {
            cancellation.throwIfCancelled("export of a memory store");
            StringBuilder s = new StringBuilder();
            List<Map.Entry<String, String>> slice = entries.subList(from, Math.min(entries.size(), from + PART_SIZE));
            for (Map.Entry<String, String> e : slice) {
                s.append(escape(e.getKey())).append('\t').append(escape(e.getValue())).append('\n');
            }
            byte[] bytes = s.toString().getBytes(StandardCharsets.UTF_8);
            String name = String.format("part-%04d.tsv", part);
            KitFiles.write(dir.resolve(name), bytes);
            index.append(KitFiles.sha256(bytes)).append(' ').append(slice.size()).append(' ').append(name).append('\n');
            progress.progress("dump", from + slice.size(), entries.size(), "entries");
        }
        index.append("end\n");
        KitFiles.write(dir.resolve(INDEX), index.toString().getBytes(StandardCharsets.UTF_8));
    }

    static SortedMap<String, String> read(Path dir, ProgressListener progress, Cancellation cancellation) {
        Path indexFile = dir.resolve(INDEX);
        if (!Files.isRegularFile(indexFile, LinkOption.NOFOLLOW_LINKS)) {
            throw bad(dir, "the index file is missing; this is not a memory store dump");
        }
        String[] lines = readText(indexFile).split("\n", -1);
        if (lines.length < 4 || !lines[0].equals(MAGIC) || !lines[1].startsWith("entries ")
                || !lines[lines.length - 2].equals("end") || !lines[lines.length - 1].isEmpty()) {
            throw bad(dir, "the index is malformed or truncated");
        }
        long expected = parse(dir, lines[1].substring("entries ".length()));
        TreeMap<String, String> out = new TreeMap<>();
        for (int i = 2; i < lines.length - 2; i++) {
            cancellation.throwIfCancelled("import of a memory store");
            String[] f = lines[i].split(" ", 3);
            if (f.length != 3 || !f[2].matches("part-\\d{4}\\.tsv")) {
                throw bad(dir, "index line " + (i + 1) + " is malformed");
            }
            Path part = dir.resolve(f[2]);
            byte[] bytes = readBytes(dir, part);
            if (!KitFiles.sha256(bytes).equals(f[0])) {
                throw bad(dir, f[2] + " does not match its SHA-256 in the index (changed or truncated)");
            }
            String[] rows = new String(bytes, StandardCharsets.UTF_8).lines().toArray(String[]::new);
            if (rows.length != parse(dir, f[1])) {
                throw bad(dir, f[2] + " has " + rows.length + " entries, the index says " + f[1]);
            }
            for (String row : rows) {
                int tab = row.indexOf('\t');
                if (tab < 0) {
                    throw bad(dir, f[2] + " has a line without a tab");
                }
                out.put(unescape(row.substring(0, tab)), unescape(row.substring(tab + 1)));
            }
            progress.progress("load", out.size(), expected, "entries");
        }
        if (out.size() != expected) {
            throw bad(dir, "the parts hold " + out.size() + " entries, the index says " + expected);
        }
        return out;
    }

    private static long parse(Path dir, String number) {
        try {
            return Long.parseLong(number);
        } catch (NumberFormatException e) {
            throw bad(dir, "'" + number + "' is not a number");
        }
    }

    private static String readText(Path file) {
        return new String(readBytes(file.getParent(), file), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(Path dir, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw bad(dir, file.getFileName() + " is missing");
        } catch (IOException e) {
            throw KitFiles.ioError("read", file, e);
        }
    }

    private static String escape(String s) {
        return s.replace("%", "%25").replace("\t", "%09").replace("\n", "%0A");
    }

    private static String unescape(String s) {
        return s.replace("%0A", "\n").replace("%09", "\t").replace("%25", "%");
    }

    private static ResilienceException bad(Path dir, String why) {
        return new ResilienceException(ErrorCode.VERIFICATION_FAILED, "cannot import memory store dump " + dir + ": "
                + why + ". The standby keeps its last good state; import another backup.");
    }
}

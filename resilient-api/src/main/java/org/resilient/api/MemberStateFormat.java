package org.resilient.api;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The wire form of a {@link MemberState}, the same for every coordinator: {@code key=value} lines, one per
 * field, sorted, UTF-8. Coordinators may add keys of their own (e.g. an expiry time); readers ignore keys
 * they do not know, so later versions can add fields, and refuse a newer {@code format}.
 *
 * <pre>
 * format=1
 * name=db1
 * role=import
 * epoch=3
 * priority=0
 * healthy=true
 * published-at=2026-11-25T16:32:00Z
 * good-import.backup-id=20261125T163000.000Z-db0     (only with a good import; also .epoch .sequence .time)
 * importing.backup-id=20261125T163100.000Z-db0       (only while importing; also .epoch .sequence .time .started-at)
 * </pre>
 */
public final class MemberStateFormat {
    /** The format this build writes and reads. */
    public static final int FORMAT = 1;

    private MemberStateFormat() {
    }

    /**
     * The fields of a state as keys and values.
     *
     * @param s the state
     * @return a mutable sorted map
     */
    public static Map<String, String> encode(MemberState s) {
        Map<String, String> m = new TreeMap<>();
        m.put("format", Integer.toString(FORMAT));
        m.put("name", s.name());
        m.put("role", s.role().configName());
        m.put("epoch", s.epoch().toString());
        m.put("priority", Integer.toString(s.priority()));
        m.put("healthy", Boolean.toString(s.healthy()));
        m.put("published-at", s.publishedAt().toString());
        if (s.lastGoodImport() != null) {
            putRef(m, "good-import.", s.lastGoodImport());
        }
        if (s.importInProgress() != null) {
            putRef(m, "importing.", s.importInProgress().backup());
            m.put("importing.started-at", s.importInProgress().startedAt().toString());
        }
        return m;
    }

    /**
     * Reads a state from its keys and values.
     *
     * @param m the keys and values
     * @param source where they came from, for the error message (a file, a coordination node)
     * @return the state
     * @throws ResilienceException {@code MESSAGE_INVALID} if a field is missing or malformed, or the format is newer
     */
    public static MemberState decode(Map<String, String> m, String source) {
        int format = field(m, "format", source, Integer::parseInt);
        if (format > FORMAT) {
            throw invalid(source, "format " + format + " is newer than this build reads (" + FORMAT
                    + "); upgrade resilient on this node");
        }
        String health = field(m, "healthy", source, v -> v);
        if (!health.equals("true") && !health.equals("false")) {
            throw invalid(source, "'healthy' must be true or false, not '" + health + "'");
        }
        BackupRef good = m.containsKey("good-import.backup-id") ? ref(m, "good-import.", source) : null;
        ImportInProgress importing = m.containsKey("importing.backup-id") ? new ImportInProgress(ref(m, "importing.", source),
                field(m, "importing.started-at", source, Instant::parse)) : null;
        try {
            return new MemberState(field(m, "name", source, v -> v), field(m, "role", source, NodeRole::parse),
                    field(m, "epoch", source, v -> new Epoch(Long.parseLong(v))), good, importing,
                    field(m, "priority", source, Integer::parseInt), Boolean.parseBoolean(health),
                    field(m, "published-at", source, Instant::parse));
        } catch (IllegalArgumentException e) {
            throw invalid(source, e.getMessage());
        }
    }

    /**
     * Writes keys and values as text.
     *
     * @param m the keys and values (no line breaks in them)
     * @return {@code key=value} lines, sorted by key
     */
    public static String toText(Map<String, String> m) {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(m).forEach((k, v) -> {
            if (k.contains("=") || k.contains("\n") || v.contains("\n")) {
                throw new IllegalArgumentException("member state key or value with '=' or a line break: " + k);
            }
            b.append(k).append('=').append(v).append('\n');
        });
        return b.toString();
    }

    /**
     * Reads keys and values from text.
     *
     * @param text {@code key=value} lines; blank lines are skipped
     * @param source where the text came from, for the error message
     * @return the keys and values
     * @throws ResilienceException {@code MESSAGE_INVALID} for a line without {@code =} or a repeated key
     */
    public static Map<String, String> parseText(String text, String source) {
        Map<String, String> m = new TreeMap<>();
        for (String line : text.split("\n", -1)) {
            if (line.isBlank()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw invalid(source, "line without 'key=': '" + abbreviate(line) + "'");
            }
            if (m.put(line.substring(0, eq), line.substring(eq + 1)) != null) {
                throw invalid(source, "key '" + line.substring(0, eq) + "' appears twice");
            }
        }
        return m;
    }

    private static void putRef(Map<String, String> m, String prefix, BackupRef r) {
        m.put(prefix + "backup-id", r.backupId().value());
        m.put(prefix + "epoch", r.epoch().toString());
        m.put(prefix + "sequence", Long.toString(r.sequence()));
        m.put(prefix + "time", r.time().toString());
    }

    private static BackupRef ref(Map<String, String> m, String prefix, String source) {
        try {
            return new BackupRef(field(m, prefix + "backup-id", source, BackupId::new),
                    field(m, prefix + "epoch", source, v -> new Epoch(Long.parseLong(v))),
                    field(m, prefix + "sequence", source, Long::parseLong), field(m, prefix + "time", source, Instant::parse));
        } catch (IllegalArgumentException e) {
            throw invalid(source, e.getMessage());
        }
    }

    private static <T> T field(Map<String, String> m, String key, String source, Function<String, T> parser) {
        String v = m.get(key);
        if (v == null) {
            throw invalid(source, "field '" + key + "' is missing");
        }
        try {
            return parser.apply(v.trim());
        } catch (RuntimeException e) {
            throw invalid(source, "field '" + key + "' has the malformed value '" + abbreviate(v) + "'");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    private static ResilienceException invalid(String source, String what) {
        return new ResilienceException(ErrorCode.MESSAGE_INVALID, "malformed member state in " + source + ": " + what
                + "; the node that wrote it must publish its state again (restart it if it keeps happening)");
    }
}

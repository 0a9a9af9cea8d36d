package org.resilient.api;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The MANIFEST file format: a header of {@code key value} lines, then one tab-separated line per entry.
 * <pre>
 * resilient-manifest 1
 * backup-id 20261125T163200.000Z-db0
 * component files
 * source-node db0
 * epoch 0
 * created 2026-11-25T16:32:00Z
 * sequence 7
 * entries 3
 * D	0755	1764088320.000000000	dir
 * F	0644	12	1764088320.000000000	&lt;sha256&gt;	dir/a.txt
 * L	1764088320.000000000	link	dir/a.txt
 * </pre>
 * This is the public format of {@link NodeLayout#MANIFEST}, shared by every module that reads or writes backups
 * (the transports included). Paths and link targets are %-escaped (see {@code PathCodec}). Reading is strict:
 * unknown versions, missing header keys, a wrong entry count or any malformed line are refused. Version 1 had
 * no {@code sequence} line; such manifests read as sequence 0.
 */
public final class ManifestCodec {
    /** The format version written and understood. */
    public static final int VERSION = 2;
    static final String MAGIC = "resilient-manifest";

    private ManifestCodec() {
    }

    /**
     * Serializes a manifest.
     *
     * @param m the manifest
     * @return the file's bytes (UTF-8)
     */
    public static byte[] write(Manifest m) {
        StringBuilder s = new StringBuilder(header(m, m.entries().size()));
        for (ManifestEntry e : m.entries()) {
            s.append(line(e));
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The header lines of a MANIFEST (everything before the entries), for writers that stream the entries.
     *
     * @param m the manifest whose id, component, node, epoch, time and sequence are written (its entries are not)
     * @param entries how many entry lines follow
     * @return the header text, ending with a newline
     */
    public static String header(Manifest m, long entries) {
        StringBuilder s = new StringBuilder();
        s.append(MAGIC).append(' ').append(VERSION).append('\n');
        s.append("backup-id ").append(m.backupId()).append('\n');
        s.append("component ").append(PathCodec.encode(m.component())).append('\n');
        s.append("source-node ").append(PathCodec.encode(m.sourceNode())).append('\n');
        s.append("epoch ").append(m.epoch().value()).append('\n');
        s.append("created ").append(m.created()).append('\n');
        s.append("sequence ").append(m.sequence()).append('\n');
        s.append("entries ").append(entries).append('\n');
        return s.toString();
    }

    /**
     * One entry's line of a MANIFEST.
     *
     * @param e the entry
     * @return its line, ending with a newline
     */
    public static String line(ManifestEntry e) {
        StringBuilder s = new StringBuilder(128);
        switch (e.type()) {
            case FILE -> s.append("F\t").append(mode(e)).append('\t').append(e.size()).append('\t')
                    .append(time(e.modified())).append('\t').append(e.sha256()).append('\t')
                    .append(PathCodec.encode(e.path()));
            case DIRECTORY -> s.append("D\t").append(mode(e)).append('\t').append(time(e.modified()))
                    .append('\t').append(PathCodec.encode(e.path()));
            case SYMLINK -> s.append("L\t").append(time(e.modified())).append('\t')
                    .append(PathCodec.encode(e.path())).append('\t').append(PathCodec.encode(e.linkTarget()));
        }
        return s.append('\n').toString();
    }

    /**
     * Opens a MANIFEST for reading entry by entry, so that a backup of millions of files is checked without holding
     * its list: see {@link ManifestStream}.
     *
     * @param in the MANIFEST's bytes (not closed by the stream's {@code close} unless it is the owner's)
     * @return the stream, its header read and checked
     * @throws ResilienceException with {@link ErrorCode#MANIFEST_INVALID} for a malformed header
     * @throws java.io.IOException if reading fails
     */
    public static ManifestStream open(java.io.InputStream in) throws java.io.IOException {
        return new ManifestStream(in);
    }

    /**
     * Parses a manifest, refusing anything malformed or unsafe.
     *
     * @param bytes the MANIFEST file's bytes
     * @return the manifest
     * @throws ResilienceException with {@link ErrorCode#MANIFEST_INVALID}
     */
    public static Manifest read(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw PathCodec.bad(0, "not UTF-8 text");
        }
        if (!text.endsWith("\n")) {
            throw PathCodec.bad(0, "file does not end with a newline (truncated?)");
        }
        String[] lines = text.split("\n", -1);
        Header h = header(lines, lines.length);
        List<ManifestEntry> entries = new ArrayList<>();
        int i = h.firstEntry();
        for (; i < lines.length - 1; i++) {
            entries.add(entry(lines[i].split("\t", -1), i + 1));
        }
        if (entries.size() != h.count()) {
            throw PathCodec.bad(i, "header says " + h.count() + " entries but " + entries.size()
                    + " are listed (truncated?)");
        }
        Manifest m = h.manifest();
        return new Manifest(m.backupId(), m.component(), m.sourceNode(), m.epoch(), m.created(), entries, m.sequence());
    }

    /** A parsed header: the manifest without entries, the entry count it announces and the index of the first entry. */
    record Header(Manifest manifest, int count, int firstEntry) {
    }

    /**
     * The number of header lines a MANIFEST whose first line is given has, that line included (version 1 had no
     * sequence line).
     */
    static int headerLines(String first) {
        if (!first.startsWith(MAGIC + " ")) {
            throw PathCodec.bad(1, "not a resilient manifest");
        }
        int version = parseInt(first.substring(MAGIC.length() + 1), 1);
        if (version > VERSION) {
            throw new ResilienceException(ErrorCode.MANIFEST_INVALID, "MANIFEST has format version " + version
                    + " but this build reads up to " + VERSION + "; upgrade resilient on this node");
        }
        return version >= 2 ? 8 : 7;
    }

    /** Parses the header lines at the start of {@code lines}, of which the first {@code available} are real lines. */
    static Header header(String[] lines, int available) {
        int headerKeys = headerLines(lines[0]) - 1;
        Map<String, String> header = new LinkedHashMap<>();
        int i = 1;
        for (; i < available && header.size() < headerKeys; i++) {
            int sp = lines[i].indexOf(' ');
            if (sp <= 0) {
                throw PathCodec.bad(i + 1, "expected a 'key value' header line");
            }
            header.put(lines[i].substring(0, sp), lines[i].substring(sp + 1));
        }
        List<String> required = new ArrayList<>(List.of("backup-id", "component", "source-node", "epoch", "created",
                "entries"));
        if (headerKeys >= 7) {
            required.add("sequence");
        }
        for (String k : required) {
            if (!header.containsKey(k)) {
                throw PathCodec.bad(i, "header key '" + k + "' missing");
            }
        }
        int count = parseInt(header.get("entries"), headerKeys + 1);
        long sequence = header.containsKey("sequence") ? parseLong(header.get("sequence"), 7) : 0;
        try {
            return new Header(new Manifest(new BackupId(header.get("backup-id")),
                    PathCodec.decode(header.get("component"), 3), PathCodec.decode(header.get("source-node"), 4),
                    new Epoch(parseLong(header.get("epoch"), 5)), Instant.parse(header.get("created")), List.of(),
                    sequence), count, i);
        } catch (java.time.format.DateTimeParseException | IllegalArgumentException e) {
            throw PathCodec.bad(6, "bad header value: " + e.getMessage());
        }
    }

    static ManifestEntry entry(String[] f, int line) {
        try {
            switch (f[0]) {
                case "F":
                    need(f, 6, line);
                    return ManifestEntry.file(PathCodec.decode(f[5], line), parseLong(f[2], line),
                            Integer.parseInt(f[1], 8), instant(f[3], line), f[4]);
                case "D":
                    need(f, 4, line);
                    return ManifestEntry.directory(PathCodec.decode(f[3], line), Integer.parseInt(f[1], 8),
                            instant(f[2], line));
                case "L":
                    need(f, 4, line);
                    return ManifestEntry.symlink(PathCodec.decode(f[2], line), instant(f[1], line),
                            PathCodec.decode(f[3], line));
                default:
                    throw PathCodec.bad(line, "unknown entry type '" + f[0] + "'");
            }
        } catch (NumberFormatException e) {
            throw PathCodec.bad(line, "bad number: " + e.getMessage());
        }
    }

    private static void need(String[] f, int n, int line) {
        if (f.length != n) {
            throw PathCodec.bad(line, "expected " + n + " tab-separated fields, found " + f.length);
        }
    }

    private static String mode(ManifestEntry e) {
        return String.format("%04o", e.mode());
    }

    static String time(Instant t) {
        return t.getEpochSecond() + "." + String.format("%09d", t.getNano());
    }

    private static Instant instant(String s, int line) {
        int dot = s.indexOf('.');
        if (dot < 0 || s.length() - dot - 1 != 9) {
            throw PathCodec.bad(line, "bad time '" + s + "', expected seconds.nanoseconds");
        }
        return Instant.ofEpochSecond(parseLong(s.substring(0, dot), line), parseLong(s.substring(dot + 1), line));
    }

    static int parseInt(String s, int line) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw PathCodec.bad(line, "'" + s + "' is not a number");
        }
    }

    static long parseLong(String s, int line) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw PathCodec.bad(line, "'" + s + "' is not a number");
        }
    }
}

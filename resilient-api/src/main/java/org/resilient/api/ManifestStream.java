package org.resilient.api;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * A MANIFEST read entry by entry ({@link ManifestCodec#open}), for backups too large to hold as a {@link Manifest}:
 * memory stays bounded by the widest directory, not the number of entries. It is as strict as
 * {@link ManifestCodec#read}, and more: the entries must be sorted by path (as every writer writes them), which is what
 * lets it check uniqueness and parents as they come. Each entry's parent must be a directory listed before it; the
 * entry count of the header is checked when the last line has been read ({@link #next()} returns null).
 */
public final class ManifestStream implements Closeable {
    private final Reader in;
    private final char[] buf = new char[1 << 16];
    private int pos;
    private int len;
    private int lineNumber;
    private final Manifest header;
    private final int count;
    private int read;
    private String previous;
    /** The directories (as "path/") whose entries may still come: ancestors and siblings of the current entry. */
    private final NavigableSet<String> openDirs = new TreeSet<>();

    ManifestStream(InputStream bytes) throws IOException {
        this.in = new InputStreamReader(bytes, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
        String first = line();
        if (first == null) {
            throw PathCodec.bad(0, "file is empty or does not end with a newline (truncated?)");
        }
        String[] lines = new String[ManifestCodec.headerLines(first)];
        lines[0] = first;
        int available = 1;
        for (; available < lines.length; available++) {
            lines[available] = line();
            if (lines[available] == null) {
                break;
            }
        }
        ManifestCodec.Header h = ManifestCodec.header(lines, available);
        this.header = h.manifest();
        this.count = h.count();
    }

    /**
     * The header: what the backup is, with no entries.
     *
     * @return the manifest's header
     */
    public Manifest header() {
        return header;
    }

    /**
     * The number of entries the header announces.
     *
     * @return the count
     */
    public int count() {
        return count;
    }

    /**
     * The next entry, checked.
     *
     * @return the entry, or null after the last one (the count is then checked)
     * @throws ResilienceException with {@link ErrorCode#MANIFEST_INVALID} for a malformed, unsorted, duplicate or
     *     unsafe entry, or a count that does not match
     * @throws IOException if reading fails
     */
    public ManifestEntry next() throws IOException {
        String l = line();
        if (l == null) {
            if (read != count) {
                throw PathCodec.bad(lineNumber, "header says " + count + " entries but " + read
                        + " are listed (truncated?)");
            }
            return null;
        }
        ManifestEntry e = ManifestCodec.entry(l.split("\t", -1), lineNumber);
        read++;
        check(e);
        return e;
    }

    /**
     * The entries as an iterator (for loops that cannot throw {@link IOException}: it is rethrown unchecked).
     *
     * @return an iterator over the remaining entries
     */
    public Iterator<ManifestEntry> iterator() {
        return new Iterator<>() {
            private ManifestEntry next = advance();

            private ManifestEntry advance() {
                try {
                    return ManifestStream.this.next();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public ManifestEntry next() {
                if (next == null) {
                    throw new java.util.NoSuchElementException();
                }
                ManifestEntry e = next;
                next = advance();
                return e;
            }
        };
    }

    private void check(ManifestEntry e) {
        String path = e.path();
        if (previous != null && previous.compareTo(path) >= 0) {
            throw PathCodec.bad(lineNumber, previous.equals(path) ? "duplicate entry '" + path + "'"
                    : "entries are not sorted by path ('" + path + "' after '" + previous + "')");
        }
        previous = path;
        // A directory's entries ("d/...") form one block in path order: once past it, d can no longer be a parent.
        Iterator<String> before = openDirs.headSet(path, false).iterator();
        while (before.hasNext()) {
            if (!path.startsWith(before.next())) {
                before.remove();
            }
        }
        String parent = e.parent();
        if (!parent.isEmpty() && !openDirs.contains(parent + "/")) {
            throw new ResilienceException(ErrorCode.MANIFEST_INVALID, "manifest refused: entry '" + path
                    + "' has no directory entry for '" + parent + "' listed before it, or lies below a file or link"
                    + " (it would escape the backup directory). The backup is damaged or forged; do not import it.");
        }
        if (e.type() == ManifestEntry.Type.DIRECTORY) {
            openDirs.add(path + "/");
        }
    }

    /** The next line without its newline, or null at the end; a last line without a newline is refused. */
    private String line() throws IOException {
        StringBuilder s = null;
        while (true) {
            if (pos == len) {
                try {
                    len = in.read(buf, 0, buf.length);
                } catch (CharacterCodingException e) {
                    throw PathCodec.bad(lineNumber + 1, "not UTF-8 text");
                }
                pos = 0;
                if (len <= 0) {
                    len = 0;
                    if (s != null) {
                        throw PathCodec.bad(0, "file does not end with a newline (truncated?)");
                    }
                    return null;
                }
            }
            int start = pos;
            while (pos < len && buf[pos] != '\n') {
                pos++;
            }
            if (s == null) {
                s = new StringBuilder();
            }
            s.append(buf, start, pos - start);
            if (pos < len) {
                pos++;
                lineNumber++;
                return s.toString();
            }
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

package org.resilient.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The SHA-256 of every file a MANIFEST lists, by path under a prefix (e.g. {@code data/}), read from the MANIFEST
 * file as they are asked for instead of held: what {@link StoreRequest#verifiedDigests()} takes for a backup of
 * millions of files. Lookups are expected in about path order (as a store walks the tree): the file is read forward,
 * the last {@value #WINDOW} files passed are kept for lookups that come a little out of order, and an earlier path
 * starts the reading over. Unmodifiable; thread-safe.
 */
public final class ManifestDigests extends AbstractMap<String, String> {
    /** How many passed files are kept for lookups a little out of order (a store looks each file up as it reads it from its walk, and its scanners a few thousand files later). */
    static final int WINDOW = 16384;
    private final Path manifest;
    private final String prefix;
    private final Map<String, String> passed = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > WINDOW;
        }
    };
    private ManifestStream stream;
    private ManifestEntry next;
    /** The path of the last entry read, or null before the first. */
    private String last;
    private int size = -1;

    /**
     * The digests of a MANIFEST's files.
     *
     * @param manifest the MANIFEST file (it must not change while this is used)
     * @param prefix what the keys start with before the MANIFEST's own path, e.g. {@code data/}
     */
    public ManifestDigests(Path manifest, String prefix) {
        this.manifest = manifest;
        this.prefix = prefix;
    }

    @Override
    public synchronized String get(Object key) {
        if (!(key instanceof String k) || !k.startsWith(prefix)) {
            return null;
        }
        String path = k.substring(prefix.length());
        String seen = passed.get(k);
        if (seen != null) {
            return seen;
        }
        try {
            if (stream == null || last != null && last.compareTo(path) >= 0) {
                reopen(); // behind the reading and out of the window: read from the start again
            }
            while (next != null && next.path().compareTo(path) <= 0) {
                ManifestEntry e = next;
                last = e.path();
                next = advance();
                if (e.type() == ManifestEntry.Type.FILE) {
                    passed.put(prefix + e.path(), e.sha256());
                    if (e.path().equals(path)) {
                        return e.sha256();
                    }
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifest, e);
        }
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public synchronized int size() {
        if (size < 0) {
            int n = 0;
            for (Iterator<Map.Entry<String, String>> i = entrySet().iterator(); i.hasNext(); i.next()) {
                n++;
            }
            size = n;
        }
        return size;
    }

    /** Every file's digest, read from the MANIFEST as iterated. */
    @Override
    public Set<Map.Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, String>> iterator() {
                ManifestStream s = open();
                return new Iterator<>() {
                    private ManifestEntry e = fileAfter(s);

                    @Override
                    public boolean hasNext() {
                        return e != null;
                    }

                    @Override
                    public Map.Entry<String, String> next() {
                        if (e == null) {
                            throw new NoSuchElementException();
                        }
                        Map.Entry<String, String> out = Map.entry(prefix + e.path(), e.sha256());
                        e = fileAfter(s);
                        return out;
                    }
                };
            }

            @Override
            public int size() {
                return ManifestDigests.this.size();
            }
        };
    }

    private ManifestStream open() {
        try {
            InputStream in = Files.newInputStream(manifest);
            try {
                return ManifestCodec.open(in);
            } catch (IOException | RuntimeException e) {
                in.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifest, e);
        }
    }

    /** The next file of a stream, closing it after the last. */
    private ManifestEntry fileAfter(ManifestStream s) {
        try {
            for (ManifestEntry e = s.next(); e != null; e = s.next()) {
                if (e.type() == ManifestEntry.Type.FILE) {
                    return e;
                }
            }
            s.close();
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifest, e);
        }
    }

    private void reopen() throws IOException {
        if (stream != null) {
            stream.close();
        }
        stream = open();
        last = null;
        next = advance();
    }

    private ManifestEntry advance() throws IOException {
        ManifestEntry e = stream.next();
        if (e == null) {
            stream.close();
        }
        return e;
    }
}

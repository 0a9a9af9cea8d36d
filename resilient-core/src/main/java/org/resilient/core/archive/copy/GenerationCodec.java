package org.resilient.core.archive.copy;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Properties;
import org.resilient.api.BackupId;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.ResilienceException;

/**
 * The {@code GENERATION} file of a stored generation: a properties text with a format version and every
 * field of {@link Generation}. It is written last, atomically; a generation directory without it is an
 * unfinished store.
 */
final class GenerationCodec {
    static final int VERSION = 1;

    private GenerationCodec() {
    }

    static byte[] write(Generation g) {
        Properties p = new Properties();
        p.setProperty("version", Integer.toString(VERSION));
        p.setProperty("id", g.id());
        p.setProperty("backup-id", g.backupId().value());
        p.setProperty("time", g.time().toString());
        p.setProperty("source-node", g.sourceNode());
        p.setProperty("epoch", Long.toString(g.epoch().value()));
        p.setProperty("manifest-digest", g.manifestDigest());
        p.setProperty("file-count", Long.toString(g.fileCount()));
        p.setProperty("logical-bytes", Long.toString(g.logicalBytes()));
        p.setProperty("new-bytes", Long.toString(g.newBytes()));
        p.setProperty("stored-bytes", Long.toString(g.storedBytes()));
        StringWriter w = new StringWriter();
        try {
            p.store(w, "resilient copy-archive generation");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses a GENERATION file.
     *
     * @param bytes its bytes
     * @param where the file, for messages
     * @return the generation
     * @throws ResilienceException {@code ARCHIVE_VERSION} for a newer version, {@code ARCHIVE_CORRUPT} otherwise
     */
    static Generation read(byte[] bytes, String where) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            throw corrupt(where, "unreadable: " + e.getMessage());
        }
        long version = number(p, "version", where);
        if (version > VERSION) {
            throw new ResilienceException(ErrorCode.ARCHIVE_VERSION, where + " has format version " + version
                    + " but this build reads up to " + VERSION + "; use a newer resilient to read this archive");
        }
        try {
            String digest = need(p, "manifest-digest", where);
            if (!digest.matches("[0-9a-f]{64}")) {
                throw corrupt(where, "manifest-digest is not 64 hex digits");
            }
            return new Generation(need(p, "id", where), new BackupId(need(p, "backup-id", where)),
                    Instant.parse(need(p, "time", where)), need(p, "source-node", where),
                    new Epoch(number(p, "epoch", where)), digest, number(p, "file-count", where),
                    number(p, "logical-bytes", where), number(p, "new-bytes", where),
                    number(p, "stored-bytes", where));
        } catch (ResilienceException e) {
            if (e.code() == ErrorCode.ARCHIVE_CORRUPT) {
                throw e;
            }
            throw corrupt(where, e.getMessage());
        } catch (RuntimeException e) {
            throw corrupt(where, String.valueOf(e.getMessage()));
        }
    }

    private static String need(Properties p, String key, String where) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw corrupt(where, "key '" + key + "' is missing");
        }
        return v.trim();
    }

    private static long number(Properties p, String key, String where) {
        String v = need(p, key, where);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw corrupt(where, key + " '" + v + "' is not a number");
        }
    }

    private static ResilienceException corrupt(String where, String why) {
        return new ResilienceException(ErrorCode.ARCHIVE_CORRUPT, where + " is damaged: " + why
                + ". The generation cannot be used; restore another one, or prune it");
    }
}

package org.resilient.support.fs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import org.resilient.api.BackupId;
import org.resilient.api.NodeLayout;
import org.resilient.api.ResilienceException;

/**
 * The outcome of the last delivery (push) of a backup to a node, kept in the receiving node's
 * {@code state/delivery} so that the node's own status says at once when deliveries to it fail on its side (disk
 * full while receiving, a refused or broken transfer), and recovers when one succeeds. Whoever writes into the
 * node's {@code incoming/} records it: the pushing node through the {@code file:} transport, the receiving node's
 * own server through {@code https:}. Recording is best effort: a record that cannot be written (the disk is that
 * full) is reported to the caller to log, and must never hide the delivery's own error.
 */
public final class Deliveries {
    private static final String FILE = "delivery";

    private Deliveries() {
    }

    /**
     * One recorded delivery.
     *
     * @param ok whether it succeeded
     * @param time when it ended
     * @param backupId the backup delivered
     * @param from who delivered it (a node URI as text), or empty if unknown
     * @param message what happened (the reason on failure)
     */
    public record Delivery(boolean ok, Instant time, BackupId backupId, String from, String message) {
    }

    /**
     * Records a failed delivery on the receiving node.
     *
     * @param node the receiving node
     * @param id the backup
     * @param from who delivered it, or null
     * @param time when it failed
     * @param reason why, as the receiving node's operator should read it
     * @return why it could not be recorded, or empty if it was
     */
    public static Optional<String> failed(NodeLayout node, BackupId id, String from, Instant time, String reason) {
        return record(node, new Delivery(false, time, id, from == null ? "" : from, reason));
    }

    /**
     * Records a successful delivery on the receiving node, which clears an earlier failure.
     *
     * @param node the receiving node
     * @param id the backup
     * @param from who delivered it, or null
     * @param time when it was published there
     * @return why it could not be recorded, or empty if it was
     */
    public static Optional<String> succeeded(NodeLayout node, BackupId id, String from, Instant time) {
        return record(node, new Delivery(true, time, id, from == null ? "" : from, "delivered"));
    }

    /**
     * The last recorded delivery to a node.
     *
     * @param node the node
     * @return the delivery, or empty if none was recorded; an unreadable record is a failed delivery saying so
     */
    public static Optional<Delivery> last(NodeLayout node) {
        Path f = file(node);
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(f, StandardCharsets.UTF_8)));
            return Optional.of(new Delivery(Boolean.parseBoolean(p.getProperty("ok")), Instant.parse(p.getProperty("time")),
                    new BackupId(p.getProperty("backup-id")), p.getProperty("from", ""), p.getProperty("message", "")));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            // Torn or edited by hand: say so rather than guess; the next delivery replaces it.
            return Optional.of(new Delivery(false, Instant.EPOCH, new BackupId("unknown"), "", "the delivery record " + f
                    + " is unreadable (" + e + "); the next delivery replaces it, or remove it"));
        }
    }

    private static Optional<String> record(NodeLayout node, Delivery d) {
        Properties p = new Properties();
        p.setProperty("ok", Boolean.toString(d.ok()));
        p.setProperty("time", d.time().toString());
        p.setProperty("backup-id", d.backupId().value());
        p.setProperty("from", d.from());
        p.setProperty("message", d.message());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            p.store(out, null);
            if (!Files.isDirectory(node.state())) {
                return Optional.empty(); // not (yet) a node: nobody to tell
            }
            AtomicFiles.write(file(node), out.toByteArray());
            return Optional.empty();
        } catch (IOException | ResilienceException e) {
            // Best effort: the delivery's own error (disk full, most likely the same cause) is what the caller reports.
            return Optional.of("cannot record the " + (d.ok() ? "successful" : "failed") + " delivery of " + d.backupId()
                    + " in " + file(node) + ": " + e.getMessage());
        }
    }

    private static Path file(NodeLayout node) {
        return node.state().resolve(FILE);
    }
}

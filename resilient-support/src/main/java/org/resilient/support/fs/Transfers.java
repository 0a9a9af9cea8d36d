package org.resilient.support.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.resilient.api.BackupId;
import org.resilient.api.NodeLayout;
import org.resilient.api.ResilienceException;

/**
 * Removes transfers a node will never finish from its {@code incoming/}: an export killed in the middle
 * ({@code <id>.export}), a pull of a backup a newer one superseded ({@code <id>} and {@code <id>.partial}), a push
 * that failed (disk full) and was superseded by a newer backup. Left there, each holds a full copy of a backup
 * forever, and after a disk-full push the next, smaller pushes keep failing for want of the space they hold.
 *
 * <p>Callers only remove what nobody can be writing: the exporting node its own exports while it holds its node
 * lock, a pull-backup node its own pulls likewise, and a push of backup {@code N} the pushes of backups older than
 * {@code N} (pushes to one node come from its pull-backup node one backup at a time, oldest first).
 */
public final class Transfers {
    private static final String PARTIAL = ".partial";

    private Transfers() {
    }

    /**
     * Removes the exports in progress ({@code incoming/<id>.export}) other than {@code current}.
     *
     * @param layout the node
     * @param current the export under way, or null
     * @return what was removed
     */
    public static List<Path> removeExportsBut(NodeLayout layout, BackupId current) {
        return remove(layout, name -> name.endsWith(NodeLayout.EXPORT_SUFFIX)
                && parse(name.substring(0, name.length() - NodeLayout.EXPORT_SUFFIX.length()))
                        .filter(id -> !id.equals(current)).isPresent());
    }

    /**
     * Removes the pulls and pushes in progress ({@code incoming/<id>}, {@code incoming/<id>.partial}) of every
     * backup other than {@code current}.
     *
     * @param layout the node
     * @param current the transfer under way
     * @return what was removed
     */
    public static List<Path> removeTransfersBut(NodeLayout layout, BackupId current) {
        return remove(layout, name -> transferId(name).filter(id -> !id.equals(current)).isPresent());
    }

    /**
     * Removes the pulls and pushes in progress of backups older than {@code newer}: superseded by it.
     *
     * @param layout the node
     * @param newer the backup that supersedes them
     * @return what was removed
     */
    public static List<Path> removeTransfersOlderThan(NodeLayout layout, BackupId newer) {
        return remove(layout, name -> transferId(name).filter(id -> id.compareTo(newer) < 0).isPresent());
    }

    /** The backup of a transfer's entry ({@code <id>} or {@code <id>.partial}); empty for anything else. */
    private static Optional<BackupId> transferId(String name) {
        if (name.startsWith(".") || name.endsWith(NodeLayout.EXPORT_SUFFIX)) {
            return Optional.empty();
        }
        return parse(name.endsWith(PARTIAL) ? name.substring(0, name.length() - PARTIAL.length()) : name);
    }

    /**
     * The backup id a name holds, if it is one a node makes ({@link BackupId#of}: it starts with its time); anything
     * else in {@code incoming/} (a transport's or a tool's own files) is left alone.
     */
    private static Optional<BackupId> parse(String name) {
        try {
            return Optional.of(new BackupId(name)).filter(id -> id.time().isPresent());
        } catch (ResilienceException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static List<Path> remove(NodeLayout layout, Predicate<String> abandoned) {
        Path dir = layout.incoming();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> found;
        try (Stream<Path> s = Files.list(dir)) {
            found = s.filter(p -> abandoned.test(p.getFileName().toString())).sorted().toList();
        } catch (IOException e) {
            throw AtomicFiles.ioError("list", dir, e);
        }
        List<Path> removed = new ArrayList<>();
        for (Path p : found) {
            AtomicFiles.deleteTree(p);
            removed.add(p);
        }
        return removed;
    }
}

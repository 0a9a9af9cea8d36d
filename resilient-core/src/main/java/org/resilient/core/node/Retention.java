package org.resilient.core.node;

import org.resilient.api.NodeLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.resilient.api.BackupId;
import org.resilient.api.ResilienceException;
import org.resilient.support.fs.AtomicFiles;
import org.slf4j.Logger;

/** Lists the published backups of a node and removes the oldest beyond a count. */
final class Retention {
    private Retention() {
    }

    /** @return the published backups, oldest first */
    static List<BackupId> published(NodeLayout layout) {
        if (!Files.isDirectory(layout.backups())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(layout.backups())) {
            List<BackupId> ids = new ArrayList<>();
            s.map(p -> p.getFileName().toString()).forEach(n -> {
                try {
                    ids.add(new BackupId(n));
                } catch (ResilienceException e) {
                    // not a backup folder
                }
            });
            ids.sort(null);
            return ids;
        } catch (IOException e) {
            throw AtomicFiles.ioError("list", layout.backups(), e);
        }
    }

    /**
     * Keeps the newest {@code keep} published backups (and {@code protect}), deleting the others.
     */
    static void keepNewest(NodeLayout layout, int keep, BackupId protect, Logger log) {
        List<BackupId> ids = published(layout);
        for (int i = 0; i < ids.size() - Math.max(1, keep); i++) {
            if (!ids.get(i).equals(protect)) {
                log.debug("removing old published backup {}", ids.get(i));
                AtomicFiles.deleteTree(layout.backup(ids.get(i)));
            }
        }
    }
}

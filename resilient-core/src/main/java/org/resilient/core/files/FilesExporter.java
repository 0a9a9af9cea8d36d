package org.resilient.core.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.resilient.api.ErrorCode;
import org.resilient.api.ExportContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Exporter;
import org.resilient.core.fs.AtomicFiles;
import org.resilient.core.fs.TreeCopy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the live directory into the export directory. The copy is as consistent as the directory is
 * quiet while it runs: files changed during the copy are taken as they are read, and the manifest is
 * computed from the copy, so the backup is always self-consistent. Files deleted while the copy runs are
 * left out with a warning (temporary files come and go in a live directory).
 */
final class FilesExporter implements Exporter {
    private final Path source;

    FilesExporter(Path source) {
        this.source = source;
    }

    @Override
    public void export(ExportContext context) {
        Logger log = LoggerFactory.getLogger(context.loggerName());
        if (!Files.isDirectory(source)) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "files.source " + source + " is "
                    + (Files.exists(source) ? "not a directory" : "missing")
                    + "; set files.source to the directory to back up");
        }
        Path real = realPath(source);
        Path target = context.directory().toAbsolutePath().normalize();
        if (target.startsWith(real) || target.startsWith(source)) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "files.source " + source
                    + " contains the node's export directory " + target
                    + "; the backup would copy itself. Put the node directory outside files.source");
        }
        // A source given as a link to a directory is backed up as that directory's content.
        TreeCopy.Result r = TreeCopy.from(real).skipVanished(true).progress("export", context.progress())
                .cancellation(context.cancellation()).copyTo(target);
        log.info("exported {}: {} files, {} directories, {} links, {} bytes{}", source, r.files(), r.directories(),
                r.links(), r.totalBytes(), r.vanished() == 0 ? "" : "; " + r.vanished() + " vanished during the copy");
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw AtomicFiles.ioError("resolve", p, e);
        }
    }

    @Override
    public String toString() {
        return "FilesExporter[" + source + "]";
    }
}

package org.resilient.core.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.resilient.api.ErrorCode;
import org.resilient.api.ExportContext;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Exporter;
import org.resilient.support.fs.AtomicFiles;
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
    private final List<String> exclude;
    private final boolean skipUnreadable;

    FilesExporter(Path source, List<String> exclude, boolean skipUnreadable) {
        this.source = source;
        this.exclude = List.copyOf(exclude);
        this.skipUnreadable = skipUnreadable;
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
        // FIFOs, sockets and devices are no data to keep (tar and restic skip them too); both skips are logged.
        TreeCopy.Result r;
        try {
            r = TreeCopy.from(real).skipVanished(true).skipSpecial(true).skipUnreadable(skipUnreadable)
                    .exclude(exclude).progress("export", context.progress()).cancellation(context.cancellation())
                    .copyTo(target);
        } catch (ResilienceException e) {
            if (e.code() == ErrorCode.IO_ERROR && e.getMessage().contains("permission denied")) {
                throw new ResilienceException(ErrorCode.IO_ERROR, e.getMessage() + " (it is in files.source " + source
                        + "), leave it out with files.exclude, or set files.skip-unreadable=true to back up the rest"
                        + " without the entries this user cannot read", e);
            }
            throw e;
        }
        checkNames(target);
        log.info("exported {}: {} files, {} directories, {} links, {} bytes{}{}", source, r.files(), r.directories(),
                r.links(), r.totalBytes(), r.vanished() == 0 ? "" : "; " + r.vanished() + " vanished during the copy",
                r.skipped() == 0 ? "" : "; " + r.skipped() + " left out (special or unreadable, see the warnings)");
    }

    /**
     * Manifests cannot list names with control characters or backslashes, or starting with a drive letter such as
     * {@code c:} (all legal on Linux), nor names that are not UTF-8 (Java reads their bytes as U+FFFD, so the
     * manifest would name another file): say which file is the problem now, rather than let the manifest refuse
     * the backup as if it were forged, or an import look for a file that does not exist.
     */
    private void checkNames(Path copy) {
        try (java.util.stream.Stream<Path> s = Files.walk(copy)) {
            s.filter(p -> !p.equals(copy)).forEach(p -> {
                String rel = copy.relativize(p).toString();
                Path name = p.getFileName();
                if (!name.getFileSystem().getPath(name.toString()).equals(name)) {
                    throw new ResilienceException(ErrorCode.IO_ERROR, "cannot back up " + source.resolve(rel)
                            + ": its name is not valid UTF-8 (shown with U+FFFD for the bytes that are not), so no "
                            + "node could find it under the name a manifest lists; rename it to UTF-8 (e.g. convmv "
                            + "-f latin1 -t utf8 --notest) or move it out of files.source");
                }
                try {
                    ManifestEntry.checkPath(rel);
                } catch (ResilienceException e) {
                    throw new ResilienceException(ErrorCode.IO_ERROR, "cannot back up " + source.resolve(rel)
                            + ": its name holds a control character or a backslash, or starts with a drive letter "
                            + "like 'c:', which a backup manifest cannot list; rename it (or move it out of "
                            + "files.source)");
                }
            });
        } catch (IOException e) {
            throw AtomicFiles.ioError("list", copy, e);
        }
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

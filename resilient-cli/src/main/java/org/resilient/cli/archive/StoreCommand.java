package org.resilient.cli.archive;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.resilient.api.BackupId;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.ResilienceException;
import org.resilient.api.StoreRequest;
import org.resilient.api.spi.Archive;
import org.resilient.core.manifest.BackupVerifier;
import org.resilient.core.manifest.SealedBackup;
import org.resilient.api.NodeLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code resilient archive store DIR}. */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = {"Store a directory as a new generation and print its id.",
                "A published backup (with MANIFEST and SIGNATURE) is verified first and stored with its own id, time, node "
                + "and epoch; any other directory is stored as it is."})
final class StoreCommand implements Callable<Integer> {
    @Mixin
    RepoOptions repo;
    @Parameters(index = "0", paramLabel = "DIR", description = "The directory to store.")
    Path dir;
    @Option(names = "--force-read", description = "Read every file, even one whose size, modification time, change "
            + "time and inode are those the previous generation recorded (taken from it without reading by default)."
            + " The same as --set archive.force-read=true.")
    boolean forceRead;

    @Override
    public Integer call() {
        if (forceRead) {
            repo.settings.put("archive.force-read", "true");
        }
        StoreRequest request = request(dir);
        try (Archive a = repo.open(true)) {
            Generation g = a.store(request, RepoOptions.context(dir, org.resilient.api.ProgressListener.NONE));
            repo.commandLine().getOut().println(g.id());
        }
        return 0;
    }

    /**
     * What a directory is, for storing it: a published backup (with MANIFEST and SIGNATURE) is verified first and
     * described by its manifest; any other directory is described by this host and now.
     *
     * @param dir the directory
     * @return the request
     * @throws ResilienceException {@code NOT_FOUND} if it is not a directory, or the backup's verification failure
     */
    static StoreRequest request(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, dir + " is not a directory");
        }
        StoreRequest request;
        if (Files.exists(dir.resolve(NodeLayout.MANIFEST))) {
            SealedBackup b = BackupVerifier.verify(dir, org.resilient.api.ProgressListener.NONE,
                    org.resilient.api.Cancellation.never());
            request = new StoreRequest(dir, b.manifest().backupId(), b.manifest().created(), b.manifest().sourceNode(),
                    b.manifest().epoch(), b.manifestDigest()).withVerifiedDigests(b.fileDigests());
        } else {
            Instant now = Instant.now();
            request = new StoreRequest(dir, BackupId.of(now, host()), now, host(), Epoch.INITIAL, "");
        }
        return request;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "_");
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}

package org.resilient.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.function.Executable;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.ManifestEntry;
import org.resilient.api.OperationContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.StoreRequest;
import org.resilient.api.NodeLayout;

/**
 * Sample trees and sealed backups for tests of transports, archives and nodes. Everything is deterministic
 * for a given {@code variant}: the same call makes the same bytes, modes and modification times, so two
 * trees can be compared with {@link #entries(Path)}.
 *
 * <p>A sample tree holds regular files of several sizes (empty, small, a few hundred KiB), files with
 * unusual modes ({@code 0600}, {@code 0755}, {@code 0400}), nested and empty directories, a relative
 * symbolic link and a dangling one, a name with a space and non-ASCII letters, and modification times with
 * nanoseconds. Directories get their times last, so the times stay as set.
 */
public final class TestBackups {
    /** The node name written into sample manifests. */
    public static final String SOURCE_NODE = "node0";
    /** The component name written into sample manifests. */
    public static final String COMPONENT = "sample";
    private static final Instant BASE_TIME = Instant.parse("2026-01-02T03:04:05.123456789Z");

    private TestBackups() {
    }

    /**
     * Fills {@code dir} (created if needed, expected empty) with the sample tree of a variant.
     *
     * @param dir the directory to fill
     * @param variant 0, 1, 2, ...: variants share most files (like successive backups) but differ in some
     * @return {@code dir}
     */
    public static Path sampleTree(Path dir, int variant) {
        try {
            Files.createDirectories(dir);
            Path docs = Files.createDirectories(dir.resolve("docs"));
            Path deep = Files.createDirectories(dir.resolve("deep/er/est"));
            Files.createDirectories(dir.resolve("empty"));
            Files.createDirectories(dir.resolve("deep/empty too"));
            write(dir.resolve("empty.txt"), new byte[0], 0644);
            write(docs.resolve("readme.txt"), ("read me, variant " + variant + "\n").getBytes(StandardCharsets.UTF_8), 0644);
            write(docs.resolve("secret.key"), bytes(64, 7), 0600);
            write(docs.resolve("read only.dat"), bytes(1000, 11), 0400);
            write(dir.resolve("run.sh"), "#!/bin/sh\necho ok\n".getBytes(StandardCharsets.UTF_8), 0755);
            // Shared by every variant (dedups), then one file that changes per variant.
            write(deep.resolve("big.bin"), bytes(300_000, 42), 0644);
            write(deep.resolve("changing.bin"), bytes(50_000 + variant * 1000, 100 + variant), 0644);
            write(dir.resolve("Grüße ümlaut.txt"), ("hallo " + variant).getBytes(StandardCharsets.UTF_8), 0644);
            for (int i = 0; i < variant; i++) {
                write(dir.resolve("docs/added-" + i + ".txt"), ("added in variant " + i).getBytes(StandardCharsets.UTF_8), 0644);
            }
            Files.createSymbolicLink(dir.resolve("link-to-readme"), Path.of("docs/readme.txt"));
            Files.createSymbolicLink(dir.resolve("deep/dangling"), Path.of("../no/such/file"));
            setTimesBottomUp(dir, BASE_TIME.plusSeconds(variant * 3600L));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make sample tree in " + dir, e);
        }
    }

    /**
     * Makes a sealed backup: {@code backupDir/data} filled with {@link #sampleTree(Path, int)}, then MANIFEST
     * and SIGNATURE written in the public formats.
     *
     * @param backupDir the backup directory to create (must not exist)
     * @param id the backup id
     * @param variant which sample tree
     * @return the sealed backup
     */
    public static BackupDir sealedBackup(Path backupDir, BackupId id, int variant) {
        sampleTree(NodeLayout.data(backupDir), variant);
        return seal(backupDir, id, COMPONENT, SOURCE_NODE, BASE_TIME.plusSeconds(variant * 3600L));
    }

    /**
     * Seals a backup directory whose {@code data/} is already filled, and fixes the times of the MANIFEST
     * and SIGNATURE files so that two sealings of equal data give equal trees.
     *
     * @param backupDir the backup directory holding {@code data/}
     * @param id the backup id
     * @param component the component name for the manifest
     * @param node the source node for the manifest
     * @param created the creation time for the manifest
     * @return the sealed backup
     */
    public static BackupDir seal(Path backupDir, BackupId id, String component, String node, Instant created) {
        BackupDir sealed = BackupSeal.seal(backupDir, id, component, node, Epoch.INITIAL, created);
        try {
            for (String f : List.of(NodeLayout.MANIFEST, NodeLayout.SIGNATURE)) {
                Files.setLastModifiedTime(backupDir.resolve(f), FileTime.from(created));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sealed;
    }

    /**
     * Makes a sealed backup whose data directory is empty (a component that holds nothing).
     *
     * @param backupDir the backup directory to create
     * @param id the backup id
     * @return the sealed backup
     */
    public static BackupDir emptyBackup(Path backupDir, BackupId id) {
        try {
            Files.createDirectories(NodeLayout.data(backupDir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return seal(backupDir, id, COMPONENT, SOURCE_NODE, BASE_TIME);
    }

    /**
     * Makes a sealed backup whose data is one file of random-looking bytes: a well-formed backup that no
     * component can import.
     *
     * @param backupDir the backup directory to create
     * @param id the backup id
     * @return the sealed backup
     */
    public static BackupDir garbageBackup(Path backupDir, BackupId id) {
        try {
            write(Files.createDirectories(NodeLayout.data(backupDir)).resolve("garbage.bin"), bytes(4096, 666), 0644);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return seal(backupDir, id, COMPONENT, SOURCE_NODE, BASE_TIME);
    }

    /**
     * Makes a sample backup and publishes it in a node directory, at {@code <node>/backup/<id>}.
     *
     * @param node the node layout (created if needed)
     * @param id the backup id
     * @param variant which sample tree
     * @return the sealed, published backup
     */
    public static BackupDir publish(NodeLayout node, BackupId id, int variant) {
        node.create();
        return sealedBackup(node.backup(id), id, variant);
    }

    /**
     * A backup id for the n-th sample backup: ids sort in the order of {@code n}.
     *
     * @param n the sequence number
     * @return the id
     */
    public static BackupId id(int n) {
        return BackupId.of(BASE_TIME.plusSeconds(n * 3600L), SOURCE_NODE);
    }

    /**
     * The time sample backup {@code n} was made (millisecond precision).
     *
     * @param n the sequence number
     * @return the time
     */
    public static Instant time(int n) {
        return Instant.ofEpochMilli(BASE_TIME.plusSeconds(n * 3600L).toEpochMilli());
    }

    /**
     * A store request for a sealed backup, made at {@link #time(int)} {@code n}.
     *
     * @param sealed the backup
     * @param n the sequence number giving the time
     * @return the request
     */
    public static StoreRequest storeRequest(BackupDir sealed, int n) {
        return new StoreRequest(sealed.directory(), sealed.manifest().backupId(), time(n),
                sealed.manifest().sourceNode(), sealed.manifest().epoch(), sealed.manifestDigest());
    }

    /**
     * Every entry of a tree (files with SHA-256, modes and times; directories; links), sorted by path.
     *
     * @param root the tree
     * @return the entries
     */
    public static List<ManifestEntry> entries(Path root) {
        return BackupSeal.scan(root);
    }

    /**
     * Verifies a backup directory against its MANIFEST and SIGNATURE.
     *
     * @param backupDir the backup
     * @return the verified backup
     * @throws org.resilient.api.ResilienceException if it does not verify
     */
    public static BackupDir verify(Path backupDir) {
        return BackupSeal.verify(backupDir);
    }

    /**
     * Asserts two trees are equal entry by entry (content, mode, time, link target, empty directories).
     *
     * @param expected the original
     * @param actual the copy
     * @param what what differs if they are not, for the failure message
     */
    public static void assertSameTree(Path expected, Path actual, String what) {
        Assertions.assertEquals(entries(expected), entries(actual), what);
    }

    /**
     * Asserts that a call fails with a code and leaves nothing at its target.
     *
     * @param code the code it must fail with
     * @param target where it must have created nothing
     * @param call the call
     * @param why the message if the target exists
     */
    public static void assertFailsLeavingNothing(ErrorCode code, Path target, Executable call, String why) {
        ResilienceException e = Assertions.assertThrows(ResilienceException.class, call);
        Assertions.assertEquals(code, e.code(), () -> "wrong code: " + e);
        Assertions.assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), why + ": " + target + " exists");
    }

    /**
     * A plain operation context on a scratch directory.
     *
     * @param directory the directory
     * @return the context
     */
    public static OperationContext context(Path directory) {
        return OperationContext.builder(directory).build();
    }

    /**
     * A context whose cancellation is already signalled.
     *
     * @param directory the directory
     * @return the context
     */
    public static OperationContext cancelledContext(Path directory) {
        Cancellation c = Cancellation.create();
        c.cancel();
        return OperationContext.builder(directory).cancellation(c).build();
    }

    /**
     * Makes every file of a tree writable by its owner again (read-only sample files would otherwise make
     * cleanup fail for non-root users).
     *
     * @param root the tree
     */
    public static void makeWritable(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!Files.isSymbolicLink(p)) {
                    int mode = KitFiles.mode(p);
                    Files.setPosixFilePermissions(p, KitFiles.permissions(mode | 0700));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deterministic bytes that do not compress well.
     *
     * @param size how many
     * @param seed which
     * @return the bytes
     */
    public static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void write(Path file, byte[] content, int mode) throws IOException {
        Files.write(file, content);
        Files.setPosixFilePermissions(file, KitFiles.permissions(mode));
    }

    /**
     * Sets the modification time of every entry below {@code root} (links included, without following
     * them), children before their directories so the directories keep the time set.
     *
     * @param root the tree
     * @param time the base time; each entry gets a distinct offset from it
     */
    public static void setTimesBottomUp(Path root, Instant time) {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(p -> !p.equals(root)).forEach(all::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Deepest and last first: a child's time is set before its parent's.
        all.sort(Comparator.comparingInt(Path::getNameCount).reversed().thenComparing(Comparator.reverseOrder()));
        try {
            for (int i = 0; i < all.size(); i++) {
                Files.getFileAttributeView(all.get(i), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(FileTime.from(time.plusMillis(i * 1001L).plusNanos(i * 7L)), null, null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

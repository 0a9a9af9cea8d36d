package org.resilient.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.resilient.api.BackupId;
import org.resilient.api.Epoch;
import org.resilient.api.Generation;
import org.resilient.api.OperationContext;
import org.resilient.api.Settings;
import org.resilient.api.StoreRequest;
import org.resilient.api.spi.Archive;
import org.resilient.support.hash.Sha256;

/** Builds test source trees and compares restored trees with them (content, type, mode, mtime, link). */
final class TestTrees {
    private TestTrees() {
    }

    /** Settings for small tests: small chunks and packs so a few MB make many of both. */
    static Settings smallSettings() {
        return Settings.of(Map.of("archive.chunk-min", "2048", "archive.chunk-avg", "8192",
                "archive.chunk-max", "32768", "archive.pack-size", "262144"));
    }

    static DirArchive open(Path repo) {
        return DirArchive.open(repo, ArchiveSettings.from(smallSettings()), true);
    }

    static OperationContext ctx(Path dir) {
        return OperationContext.builder(dir).build();
    }

    static StoreRequest request(Path dir, String id, Instant time) {
        return new StoreRequest(dir, new BackupId(id), time, "node0", new Epoch(3), "ab".repeat(32));
    }

    /** Stores a tree as backup {@code id} made at {@code time}, as a node does. */
    static Generation store(Archive a, Path dir, String id, Instant time) {
        return a.store(request(dir, id, time), ctx(dir));
    }

    /** Midnight UTC of a day of November 2026, the time of the tests' backup number {@code day}. */
    static Instant november(int day) {
        return Instant.parse(String.format("2026-11-%02dT00:00:00Z", day));
    }

    /** A tree of {@link #makeTree} at {@code dir/name}. */
    static Path tree(Path dir, String name, long seed) throws IOException {
        Path root = dir.resolve(name);
        makeTree(root, seed);
        return root;
    }

    /** A tree of {@link #makeTree} plus six table dumps of 40,000 rows, enough for many packs. */
    static Path bigTree(Path dir, String name, long seed) throws IOException {
        Path root = tree(dir, name, seed);
        for (int i = 0; i < 6; i++) {
            Files.write(root.resolve("data/tables/big" + i + ".dat"), dumpText(100 + i, 40_000));
        }
        return root;
    }

    /** The first pack of a repository, by name. */
    static Path firstPack(Path repo) throws IOException {
        try (Stream<Path> s = Files.list(repo.resolve("packs"))) {
            return s.filter(p -> p.toString().endsWith(".pack")).sorted().findFirst().orElseThrow();
        }
    }

    /** Text like a table dump: deterministic rows. */
    static byte[] dumpText(long seed, int rows) {
        StringBuilder s = new StringBuilder();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < rows; i++) {
            s.append(i).append('\t').append("name-").append(r.nextInt(100000)).append('\t')
                    .append(r.nextLong(1_000_000_000L)).append("\tsome text value ").append(i % 97).append('\n');
        }
        return s.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** A backup-like tree with every kind of entry. */
    static void makeTree(Path root, long seed) throws IOException {
        Files.createDirectories(root.resolve("data/tables"));
        Files.createDirectories(root.resolve("data/empty/nested-empty"));
        Files.write(root.resolve("MANIFEST"), ("manifest " + seed + "\n").getBytes(StandardCharsets.UTF_8));
        Files.write(root.resolve("data/tables/t1.dat"), dumpText(seed, 20000));
        Files.write(root.resolve("data/tables/t2.dat"), dumpText(seed + 1, 5000));
        Files.write(root.resolve("data/blob.bin"), random(seed, 300_000));
        Files.write(root.resolve("data/empty-file"), new byte[0]);
        Files.write(root.resolve("data/secret"), "x".getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(root.resolve("data/secret"), PosixFilePermissions.fromString("rw-------"));
        Files.write(root.resolve("data/tool.sh"), "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(root.resolve("data/tool.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(root.resolve("data/link-rel"), Path.of("tables/t1.dat"));
        Files.createSymbolicLink(root.resolve("data/link-dangling"), Path.of("../nowhere/at/all"));
        Files.createSymbolicLink(root.resolve("data/link-abs"), Path.of("/nonexistent/absolute/target"));
        Files.setPosixFilePermissions(root.resolve("data/empty"), PosixFilePermissions.fromString("rwx--x---"));
        try (Stream<Path> s = Files.walk(root)) {
            long t = 1_700_000_000L;
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(root)) {
                    Files.getFileAttributeView(p, java.nio.file.attribute.BasicFileAttributeView.class,
                            LinkOption.NOFOLLOW_LINKS).setTimes(FileTime.from(Instant.ofEpochSecond(t++, 123_456_789)),
                            null, null);
                }
            }
        }
    }

    /** Everything about a tree: path to "type mode mtime content-or-target". */
    static Map<String, Object> describe(Path root) throws IOException {
        Map<String, Object> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                if (p.equals(root)) {
                    continue;
                }
                String rel = root.relativize(p).toString();
                String mtime = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toString();
                if (Files.isSymbolicLink(p)) {
                    m.put(rel, "link " + Files.readSymbolicLink(p) + " " + mtime);
                } else {
                    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
                    if (Files.isDirectory(p)) {
                        m.put(rel, "dir " + Integer.toOctalString(mode) + " " + mtime);
                    } else {
                        m.put(rel, "file " + Integer.toOctalString(mode) + " " + mtime + " "
                                + org.resilient.support.hash.Sha256.hex(
                                org.resilient.support.hash.Sha256.sha256(Files.readAllBytes(p), 0,
                                        (int) Files.size(p))));
                    }
                }
            }
        }
        return m;
    }

    static void assertSameTree(Path expected, Path actual) throws IOException {
        assertEquals(describe(expected), describe(actual));
    }

    static void assertSameContent(Path expected, Path actual) throws IOException {
        for (String f : List.of("data/tables/t1.dat", "data/tables/t2.dat", "data/blob.bin")) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(f)), Files.readAllBytes(actual.resolve(f)), f);
        }
    }
}

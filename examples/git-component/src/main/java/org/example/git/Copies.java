package org.example.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The standby's copies in {@code <repository>.resilient/}: {@code incoming} while an import runs, then numbered
 * copies {@code 1}, {@code 2}, ...; the standby's path is a symbolic link to the newest. The copy before it is kept,
 * so that a git process still reading it when the link moves finishes; older ones are removed.
 */
final class Copies {
    private final Path repo;
    private final Path dir;

    Copies(Path repo) {
        this.repo = repo;
        this.dir = repo.resolveSibling(repo.getFileName() + ".resilient");
    }

    /** The directory of copies, created when missing. */
    Path directory() throws IOException {
        return Files.createDirectories(dir);
    }

    /** Where an import clones to. */
    Path incoming() {
        return dir.resolve("incoming");
    }

    /** Removes an import's leftovers (also those of a crash). */
    void removeIncoming() throws IOException {
        deleteTree(incoming());
    }

    /**
     * Makes the finished {@code incoming} copy the standby: renames it to the next number, then renames a new link
     * over the standby's path. The one step that is not atomic: a standby that is still a real directory (a leader
     * re-seeded as a standby, or a repository made before this component) is first moved into the copies.
     */
    void swapIn(Path incoming) throws IOException {
        long next = numbers().max().orElse(0) + 1;
        Path copy = dir.resolve(Long.toString(next));
        Files.move(incoming, copy, StandardCopyOption.ATOMIC_MOVE);
        if (Files.isDirectory(repo, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(repo, dir.resolve(next + "-replaced"), StandardCopyOption.ATOMIC_MOVE);
        }
        Path link = dir.resolve("link.tmp");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, repo.getParent().relativize(copy));
        Files.move(link, repo, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Removes every copy but the newest two (the standby and the one before it). */
    void removeOld() throws IOException {
        long keepFrom = numbers().sorted().skip(Math.max(0, numbers().count() - 2)).findFirst().orElse(0);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> number(p) >= 0 && number(p) < keepFrom).toList()) {
                deleteTree(p);
            }
        }
    }

    private java.util.stream.LongStream numbers() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Long> n = s.map(Copies::number).filter(x -> x >= 0).toList();
            return n.stream().mapToLong(Long::longValue);
        }
    }

    /** A copy's number ({@code 7} or {@code 7-replaced}), or -1 for anything else. */
    private static long number(Path p) {
        String name = p.getFileName().toString().replace("-replaced", "");
        return name.matches("[0-9]{1,18}") ? Long.parseLong(name) : -1;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

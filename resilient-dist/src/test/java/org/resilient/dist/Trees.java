package org.resilient.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Compares two directory trees: the same paths, types, POSIX permissions, link targets and bytes. */
final class Trees {
    private Trees() {
    }

    /** @return the differences, empty when the trees are equal */
    static List<String> differences(Path expected, Path actual) throws IOException {
        TreeMap<String, Path> want = index(expected);
        TreeMap<String, Path> have = index(actual);
        List<String> diffs = new ArrayList<>();
        for (var e : want.entrySet()) {
            Path a = have.remove(e.getKey());
            Path x = e.getValue();
            if (a == null) {
                diffs.add("missing " + e.getKey());
            } else if (Files.isSymbolicLink(x) != Files.isSymbolicLink(a) || Files.isDirectory(x, LinkOption.NOFOLLOW_LINKS)
                    != Files.isDirectory(a, LinkOption.NOFOLLOW_LINKS)) {
                diffs.add("type differs " + e.getKey());
            } else if (Files.isSymbolicLink(x)) {
                if (!Files.readSymbolicLink(x).equals(Files.readSymbolicLink(a))) {
                    diffs.add("link target differs " + e.getKey());
                }
            } else if (!Files.getPosixFilePermissions(x).equals(Files.getPosixFilePermissions(a))) {
                diffs.add("permissions differ " + e.getKey());
            } else if (Files.isRegularFile(x, LinkOption.NOFOLLOW_LINKS) && Files.mismatch(x, a) != -1) {
                diffs.add("content differs " + e.getKey() + " from byte " + Files.mismatch(x, a));
            }
        }
        have.keySet().forEach(p -> diffs.add("extra " + p));
        return diffs;
    }

    private static TreeMap<String, Path> index(Path root) throws IOException {
        TreeMap<String, Path> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(p -> !p.equals(root)).forEach(p -> m.put(root.relativize(p).toString(), p));
        }
        return m;
    }

    /** The bytes of the regular files under a directory (0 if it does not exist). */
    static long bytes(Path root) {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // renamed or removed meanwhile
                }
            }).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0; // the directory was renamed meanwhile
        }
    }
}

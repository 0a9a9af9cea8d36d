package org.resilient.archive.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.resilient.archive.tree.TreeEntry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming walk gives the entries in the order of their whole paths, as the tree and its readers need. */
class SourceWalkTest {
    @TempDir
    Path tmp;

    private static List<String> walked(Path root, Clock clock) {
        List<String> out = new ArrayList<>();
        SourceWalk w = new SourceWalk(root, Duration.ofSeconds(2).toNanos(), clock);
        for (SourceEntry e = w.next(); e != null; e = w.next()) {
            out.add(e.path());
        }
        return out;
    }

    @Test
    @DisplayName("directory by directory, yet in whole-path order: 'c-d' between the directory 'c' and 'c/e'")
    void wholePathOrder() throws IOException {
        // '-' and '.' sort below '/', '0' above: a depth-first walk would give c, c/..., c-d, c.x, c0.
        for (String d : List.of("c", "c/e", "c/e/f", "c-d", "c.x", "c0", "b/c-d", "b/c", "b/c/z", "b/c.", "é")) {
            Files.createDirectories(tmp.resolve(d));
        }
        for (String f : List.of("c-e", "c/a", "c/e-", "c/e/f/g", "c0/1", "b/c/a", "b/c-", "a", "z", "é/é")) {
            Files.writeString(tmp.resolve(f), f);
        }
        Files.createSymbolicLink(tmp.resolve("c/l"), Path.of("../a"));
        List<String> expected;
        try (Stream<Path> all = Files.walk(tmp)) {
            expected = all.filter(p -> !p.equals(tmp)).map(p -> tmp.relativize(p).toString()).sorted().toList();
        }
        assertEquals(expected, walked(tmp, Clock.systemUTC()));
    }

    @Test
    @DisplayName("a file changed within the last two seconds gets no inode and change time; an older one does")
    void recentChangeIsNotCached() throws IOException {
        Files.writeString(tmp.resolve("f"), "x");
        SourceEntry now = new SourceWalk(tmp, Duration.ofSeconds(2).toNanos(), Clock.systemUTC()).next();
        assertEquals(TreeEntry.Type.FILE, now.type());
        assertNull(now.stat(), "changed just now: a second change in the same clock tick would keep its times");
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(3));
        SourceEntry old = new SourceWalk(tmp, Duration.ofSeconds(2).toNanos(), later).next();
        assertNotNull(old.stat());
        assertEquals(Files.getAttribute(tmp.resolve("f"), "unix:ino"), old.stat().inode());
    }
}

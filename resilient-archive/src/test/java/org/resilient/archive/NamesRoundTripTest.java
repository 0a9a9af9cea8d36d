package org.resilient.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.ResilienceException;
import org.resilient.api.RestoreOptions;

@DisplayName("Any name the file system allows is stored and restored as it is, or refused up front naming the file")
class NamesRoundTripTest {
    @TempDir
    Path tmp;

    /**
     * The class of unusual but legal names: every control character, DEL, backslash, drive-letter prefixes,
     * leading dashes, spaces at the ends, escapes, names of the longest length (in one- to four-byte characters),
     * unicode that is easy to mangle (combining, bidi override, line separator, a literal U+FFFD).
     */
    static List<String> names() {
        List<String> n = new ArrayList<>();
        for (char c = 1; c < 0x20; c++) {
            n.add("ctl-" + Integer.toHexString(c) + "-" + c + "-end");
        }
        n.add("del-\u007f-end");
        n.addAll(List.of("back\\slash", "\\", "c:", "C:x", "c:\\windows", "-rf", "--help", "-", " lead", "trail ",
                "%41%", "%", "a\tb\nc\rd", ".hidden", "...", "e\u0301", "\u202eevil", "line\u2028sep",
                "\ufffd-literal", "\u00e9t\u00e9", "\ud83d\ude00", "x".repeat(255), "\u00e9".repeat(127),
                "\u20ac".repeat(85), "\ud83d\ude00".repeat(63), "*?[]{}$`'\"|&;<>()"));
        return n;
    }

    @Test
    @DisplayName("files, directories and link targets with every unusual name (and a path of 3,800 bytes) round-trip")
    void everyLegalName() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        int i = 0;
        for (String name : names()) {
            Files.writeString(src.resolve(name), "content of " + name);
            Path dir = Files.createDirectories(src.resolve("dirs").resolve(name));
            Files.writeString(dir.resolve("inside-" + (i++)), name);
            Files.createSymbolicLink(src.resolve("dirs").resolve("link-" + i), Path.of("../" + name));
        }
        Path deep = src.resolve("deep");
        for (int d = 0; d < 19; d++) {
            deep = deep.resolve(("level" + d + "-").repeat(30).substring(0, 199));
        }
        Files.createDirectories(deep);
        Files.writeString(deep.resolve("leaf"), "deep");
        assertTrue(src.relativize(deep).toString().getBytes(StandardCharsets.UTF_8).length > 3700);
        // Java sets a link's time in microseconds (lutimes): give the source links such times, as a restore does.
        try (var all = Files.walk(src)) {
            for (Path p : all.filter(Files::isSymbolicLink).toList()) {
                Files.getFileAttributeView(p, java.nio.file.attribute.BasicFileAttributeView.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS).setTimes(java.nio.file.attribute.FileTime.from(
                        Instant.ofEpochSecond(1_700_000_000L, 123_456_000)), null, null);
            }
        }
        try (DirArchive a = TestTrees.open(tmp.resolve("repo"))) {
            Generation g = TestTrees.store(a, src, "b1", Instant.now());
            Path out = tmp.resolve("out");
            assertTrue(a.restore(g.id(), out, RestoreOptions.DEFAULT, TestTrees.ctx(tmp)).isEmpty());
            assertEquals(List.of(), differences(TestTrees.describe(src), TestTrees.describe(out)));
        }
    }

    /** The entries that differ, each as expected and actual (the whole trees are too long to read). */
    private static List<String> differences(java.util.Map<String, Object> expected,
                                            java.util.Map<String, Object> actual) {
        java.util.Set<String> keys = new java.util.TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        return keys.stream().filter(k -> !java.util.Objects.equals(expected.get(k), actual.get(k)))
                .map(k -> k + ": expected " + expected.get(k) + ", restored " + actual.get(k)).toList();
    }

    @Test
    @DisplayName("a name or link target that is not UTF-8 is refused up front, naming the file, and nothing is stored")
    void notUtf8() throws Exception {
        for (String kind : List.of("file", "dir", "link")) {
            Path src = Files.createDirectories(tmp.resolve("src-" + kind + "/sub"));
            Files.writeString(src.resolve("fine"), "x");
            // Java cannot make such a name (it encodes names as UTF-8): the shell's printf can, as a user's tools do.
            String make = switch (kind) {
                case "file" -> "touch \"$(printf 'bad-\\377-name')\"";
                case "dir" -> "mkdir \"$(printf 'bad-\\351t\\351')\"";
                default -> "ln -s \"$(printf 'bad-\\377-target')\" link";
            };
            Process p = new ProcessBuilder("sh", "-c", "cd \"$1\" && " + make, "sh", src.toString())
                    .redirectErrorStream(true).start();
            assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            Path repo = tmp.resolve("repo-" + kind);
            try (DirArchive a = TestTrees.open(repo)) {
                ResilienceException e = assertThrows(ResilienceException.class,
                        () -> a.store(TestTrees.request(src.getParent(), "b1", Instant.now()), TestTrees.ctx(src)));
                assertEquals(ErrorCode.IO_ERROR, e.code(), e.getMessage());
                assertTrue(e.getMessage().contains("not valid UTF-8") && e.getMessage().contains(src + "/")
                        && e.getMessage().contains(kind.equals("link") ? "link target" : "bad-")
                        && e.getMessage().contains("Rename"), e.getMessage());
                assertEquals(List.of(), a.generations());
            }
            assertEquals(0, count(repo.resolve("packs")), "nothing was written");
        }
    }

    private static long count(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.count();
        }
    }
}

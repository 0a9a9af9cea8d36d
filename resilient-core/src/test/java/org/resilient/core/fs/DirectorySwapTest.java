package org.resilient.core.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.ResilienceException;

@DisplayName("DirectorySwap")
class DirectorySwapTest {
    @TempDir
    Path tmp;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private DirectorySwap staged(String id, String content) throws IOException {
        DirectorySwap swap = new DirectorySwap(tmp.resolve("t"));
        Files.createDirectories(swap.staging(id));
        Files.writeString(swap.staging(id).resolve("f"), content);
        return swap;
    }

    @Test
    @DisplayName("puts the staged tree in place, first time and over an existing one, leaving nothing beside it")
    void swaps() throws IOException {
        staged("1", "one").swap("1");
        assertEquals("one", Files.readString(tmp.resolve("t/f")));
        staged("2", "two").swap("2");
        assertEquals("two", Files.readString(tmp.resolve("t/f")));
        assertEquals(List.of("t"), names());
    }

    @Test
    @DisplayName("a swap that cannot move the new tree in puts the previous one back")
    void rollsBack() throws IOException {
        staged("1", "one").swap("1");
        DirectorySwap swap = new DirectorySwap(tmp.resolve("t"));
        assertThrows(ResilienceException.class, () -> swap.swap("missing"));
        assertEquals("one", Files.readString(tmp.resolve("t/f")));
        assertEquals(List.of("t"), names());
    }

    @Test
    @DisplayName("recover puts back the newest old copy when the target is missing and removes the rest")
    void recovers() throws IOException {
        Files.createDirectories(tmp.resolve(".t.old-20261125T100000.000Z-a"));
        Files.createDirectories(tmp.resolve(".t.old-20261125T110000.000Z-a"));
        Files.writeString(tmp.resolve(".t.old-20261125T110000.000Z-a/f"), "newest");
        Files.createDirectories(tmp.resolve(".t.new-20261125T120000.000Z-a"));
        assertTrue(new DirectorySwap(tmp.resolve("t")).recover());
        assertEquals("newest", Files.readString(tmp.resolve("t/f")));
        assertEquals(List.of("t"), names());
        assertFalse(new DirectorySwap(tmp.resolve("t")).recover(), "nothing left to repair");
    }
}

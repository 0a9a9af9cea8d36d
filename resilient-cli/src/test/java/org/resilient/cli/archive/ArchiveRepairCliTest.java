package org.resilient.cli.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.cli.Main;

@DisplayName("resilient archive repair")
class ArchiveRepairCliTest {
    @TempDir
    Path tmp;

    private record Run(int status, String out) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        int status = Main.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), args);
        return new Run(status, out.toString());
    }

    private static void fill(Path dir, long seed) throws IOException {
        Files.createDirectories(dir.resolve("sub"));
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 4; i++) {
            byte[] b = new byte[200_000];
            r.nextBytes(b);
            Files.write(dir.resolve("sub/f" + i), b);
        }
    }

    @Test
    @DisplayName("heals a flipped byte from the source (exit 0), and names what it cannot heal (exit 3)")
    void repair() throws IOException {
        Path src = tmp.resolve("src");
        Path other = tmp.resolve("other");
        fill(src, 1);
        fill(other, 2);
        String repo = tmp.resolve("repo").toString();
        Run store = run("archive", "store", "--repo", repo, src.toString());
        assertEquals(0, store.status(), store.out());
        String gen = store.out().trim();
        List<Path> packs;
        try (Stream<Path> s = Files.list(Path.of(repo, "packs"))) {
            packs = s.filter(p -> p.toString().endsWith(".pack")).toList();
        }
        for (Path p : packs) {
            byte[] b = Files.readAllBytes(p);
            b[7 + 100] ^= 0x40; // inside the first chunk, past the 7-byte header
            Files.write(p, b);
        }
        assertEquals(3, run("archive", "verify", "--read-data", "--repo", repo).status());

        Run unhealed = run("archive", "repair", "--repo", repo, "--from", other.toString());
        assertEquals(3, unhealed.status(), unhealed.out());
        assertTrue(unhealed.out().contains(gen) && unhealed.out().contains("1 still damaged"), unhealed.out());

        Run healed = run("archive", "repair", "--repo", repo, "--from", src.toString());
        assertEquals(0, healed.status(), healed.out());
        assertTrue(healed.out().startsWith("OK"), healed.out());
        Run verify = run("archive", "verify", "--read-data", "--repo", repo);
        assertEquals(0, verify.status(), verify.out());
        Run list = run("archive", "list", "--repo", repo);
        assertTrue(list.out().contains("1 generation(s)"), list.out());
    }
}

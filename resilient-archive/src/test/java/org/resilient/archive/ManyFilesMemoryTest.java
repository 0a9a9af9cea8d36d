package org.resilient.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.resilient.api.Generation;
import org.resilient.api.RestoreOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store of many files needs memory for the widest directory, not for the whole tree: a JVM whose heap is far
 * smaller than the tree's paths stores it (and the next, unchanged, store too). Long names make each file cost what
 * a million files of short names cost a store that holds the tree: with the whole tree in memory (as the walk did
 * before it streamed) {@value #FILES} files of {@value #NAME}-character names need more heap than {@value #HEAP}.
 */
class ManyFilesMemoryTest {
    private static final int FILES = 40_000;
    private static final int WIDTH = 1000;
    private static final int NAME = 200;
    private static final String HEAP = "-Xmx" + 24 + "m";

    @TempDir
    Path tmp;

    private String storeInSmallHeap(Path repo, Path src) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = tmp.resolve("child.log");
        Process p = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", HEAP, "-cp", System.getProperty("java.class.path"),
                StoreProcess.class.getName(), repo.toString(), src.toString(), "archive.threads=2")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the store did not finish in 5 minutes");
        }
        List<String> out = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "the store in " + HEAP + " failed: " + String.join("\n", out));
        return out.get(out.size() - 1);
    }

    @Test
    @DisplayName(FILES + " files of long names store in " + "a 24 MB heap, twice, and restore whole")
    void manyFilesInSmallHeap() throws Exception {
        Path src = tmp.resolve("src");
        String pad = "n".repeat(NAME - 12);
        byte[] content = "same content\n".getBytes(StandardCharsets.UTF_8); // one chunk: the index stays small
        for (int d = 0; d < FILES / WIDTH; d++) {
            Path dir = Files.createDirectories(src.resolve(String.format("%s-%06d", pad, d)));
            for (int f = 0; f < WIDTH; f++) {
                Files.write(dir.resolve(String.format("%s-%06d", pad, f)), content);
            }
        }
        Path repo = tmp.resolve("repo");
        storeInSmallHeap(repo, src);
        String id = storeInSmallHeap(repo, src);
        try (DirArchive a = TestTrees.open(repo)) {
            Generation g = a.generations().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
            assertEquals(FILES, g.fileCount());
            Path out = tmp.resolve("out");
            assertEquals(List.of(), a.restore(id, out, RestoreOptions.DEFAULT, TestTrees.ctx(tmp)));
            TestTrees.assertSameTree(src, out);
        }
    }
}

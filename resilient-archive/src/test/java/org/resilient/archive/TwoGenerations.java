package org.resilient.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Generation;

/** Base of the tests that damage or race an archive holding two generations of two different trees. */
abstract class TwoGenerations {
    @TempDir
    Path tmp;
    Path repo;
    Path src1;
    Path src2;
    Generation g1;
    Generation g2;

    @BeforeEach
    void twoGenerations() throws IOException {
        repo = tmp.resolve("repo");
        src1 = tmp.resolve("src1");
        src2 = tmp.resolve("src2");
        TestTrees.makeTree(src1, 1);
        TestTrees.makeTree(src2, 2);
        try (DirArchive a = TestTrees.open(repo)) {
            g1 = TestTrees.store(a, src1, "b1", TestTrees.november(1));
            g2 = TestTrees.store(a, src2, "b2", TestTrees.november(2));
        }
    }

    /** The archive's pack files, sorted. */
    List<Path> packs() throws IOException {
        try (Stream<Path> s = Files.list(repo.resolve("packs"))) {
            return s.filter(p -> p.toString().endsWith(".pack")).sorted().toList();
        }
    }
}

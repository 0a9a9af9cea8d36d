package org.resilient.examples.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example the README points to runs as documented. */
class EmbeddedClusterTest {
    @TempDir
    Path dir;

    @Test
    void theStandbyHoldsTheLeadersDataAndTakesOver() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            EmbeddedCluster.main(new String[] {dir.toString()});
        } finally {
            System.setOut(out);
        }
        assertEquals("hello, standby\n", Files.readString(dir.resolve("standby/hello.txt")));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("exported, archived and imported: hello, standby"), text);
        assertTrue(text.contains("db1 leads in epoch 1 as export"), text);
    }
}

package org.resilient.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("resilient keys")
class KeysCommandTest {
    @TempDir
    Path tmp;

    @Test
    @DisplayName("init then add make the CA and a node's keys and print the node's settings, never a password")
    void initAndAdd() throws IOException {
        Path keys = tmp.resolve("keys");
        CliRun init = CliRun.of("keys", "init", "-d", keys.toString());
        assertEquals(0, init.status(), init.toString());
        CliRun add = CliRun.of("keys", "add", "-d", keys.toString(), "https://127.0.0.1:8443");
        assertEquals(0, add.status(), add.toString());
        Path pass = keys.resolve("nodes/127.0.0.1_8443.pass");
        assertTrue(add.out().contains("node.key-store-password-file=" + pass.toAbsolutePath()), add.out());
        assertFalse(add.out().contains(Files.readString(pass).strip()), "the password was printed");
        CliRun again = CliRun.of("keys", "add", "-d", keys.toString(), "https://127.0.0.1:8443");
        assertEquals(4, again.status(), again.toString());
        assertEquals(0, CliRun.of("keys", "add", "--replace", "-d", keys.toString(), "https://127.0.0.1:8443").status());
        CliRun twice = CliRun.of("keys", "init", "-d", keys.toString());
        assertEquals(4, twice.status(), twice.toString());
    }

    @Test
    @DisplayName("components lists the https transport")
    void componentsListHttps() {
        CliRun r = CliRun.of("components");
        assertTrue(r.out().contains("transport  https") && r.out().contains("resilient-https"), r.out());
    }
}

package org.resilient.testservers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A throwaway server")
class ThrowawayServerTest {

    /** A server whose process is pretend: it fails to start a given number of times, writing a log line each time. */
    static final class PretendServer extends ThrowawayServer<PretendServer> {
        int failures;
        boolean running;
        final List<Integer> ports = new ArrayList<>();
        final List<String> launchedWith = new ArrayList<>();

        PretendServer(int failures) {
            this.failures = failures;
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        protected String kind() {
            return "Pretend";
        }

        @Override
        protected void prepare(Path dir) throws IOException {
            Files.writeString(logFile(dir), "prepared\n");
        }

        @Override
        protected void launch(Path dir, int port) throws IOException {
            ports.add(port);
            options().forEach(o -> launchedWith.add(o.getKey() + "=" + o.getValue()));
            if (failures-- > 0) {
                Files.writeString(logFile(dir), "FATAL: could not bind port " + port + "\n",
                        java.nio.file.StandardOpenOption.APPEND);
                throw new IOException("exited during start");
            }
            running = true;
        }

        @Override
        protected void shutdown(boolean immediate) {
            running = false;
        }

        @Override
        protected Path logFile(Path dir) {
            return dir.resolve("server.log");
        }
    }

    @Test
    @DisplayName("that cannot start says why, with the end of its log, and tried three ports")
    void failedStartShowsLog() {
        try (PretendServer s = new PretendServer(5)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, s::start);
            assertTrue(e.getMessage().contains("could not start the Pretend test server"), e.getMessage());
            assertTrue(e.getMessage().contains("FATAL: could not bind port " + s.ports.get(2)), e.getMessage());
            assertTrue(e.getMessage().contains("prepared"), e.getMessage());
            assertEquals(3, s.ports.size());
            assertFalse(s.isRunning());
        }
    }

    @Test
    @DisplayName("retries on another port, passes its options, keeps its port over a restart and removes its files")
    void lifeCycle() {
        PretendServer s = new PretendServer(1).option("max_connections", "7");
        s.start();
        Path dir = s.directory();
        int port = s.port();
        assertEquals(2, s.ports.size(), "a failed launch is retried");
        assertEquals(List.of("max_connections=7", "max_connections=7"), s.launchedWith);
        s.stop();
        s.start();
        assertEquals(port, s.port(), "a restart keeps the port");
        s.close();
        assertFalse(Files.exists(dir), "close removes the server's directory");
    }

    @Test
    @DisplayName("runs a command and reports its exit and error output when it fails")
    void exec() {
        assertEquals("hi\n", ServerTools.exec(List.of("sh", "-c", "echo hi"), Map.of(), null,
                java.time.Duration.ofSeconds(30), false));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ServerTools.exec(
                List.of("sh", "-c", "echo broken >&2; exit 3"), Map.of(), null, java.time.Duration.ofSeconds(30), false));
        assertTrue(e.getMessage().contains("exit 3") && e.getMessage().contains("broken"), e.getMessage());
    }
}

package org.resilient.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/** The process runner against real processes ({@code sh}, {@code sleep}). */
class ProcessRunnerTest {

    @Test
    @DisplayName("captures stdout and the exit status of a successful run")
    void success() {
        ProcessResult r = ProcessRunner.command("sh", "-c", "echo hello; echo warn >&2").run();
        assertEquals(0, r.exitCode());
        assertEquals("hello\n", r.stdout());
        assertEquals(List.of("warn"), r.stderrTail());
    }

    @Test
    @DisplayName("a non-zero exit fails with TOOL_FAILED carrying the last stderr lines only")
    void nonZeroExitCarriesStderrTail() {
        ResilienceException e = assertThrows(ResilienceException.class, () -> ProcessRunner.command("sh", "-c",
                "for i in $(seq 1 30); do echo line$i >&2; done; exit 3").tailLines(5).run());
        assertEquals(ErrorCode.TOOL_FAILED, e.code());
        assertTrue(e.getMessage().contains("exit status 3"), e.getMessage());
        assertTrue(e.getMessage().contains("line26") && e.getMessage().contains("line30"), e.getMessage());
        assertFalse(e.getMessage().contains("line25"), "only the last 5 lines: " + e.getMessage());
    }

    @Test
    @DisplayName("allowFailure returns the result of a non-zero exit instead of throwing")
    void allowFailure() {
        ProcessResult r = ProcessRunner.command("sh", "-c", "echo oops >&2; exit 4").allowFailure().run();
        assertEquals(4, r.exitCode());
        assertEquals(List.of("oops"), r.stderrTail());
    }

    @Test
    @DisplayName("a tool that does not exist fails with TOOL_MISSING")
    void missingTool(@TempDir Path dir) {
        ResilienceException e = assertThrows(ResilienceException.class,
                () -> ProcessRunner.command(dir.resolve("no-such-tool").toString(), "--version").run());
        assertEquals(ErrorCode.TOOL_MISSING, e.code());
        assertTrue(e.getMessage().contains("no-such-tool"), e.getMessage());
    }

    @Test
    @DisplayName("cancellation kills the whole process tree, children included")
    void cancellationKillsTree(@TempDir Path dir) throws Exception {
        Path pids = dir.resolve("pids");
        Cancellation cancel = Cancellation.create();
        // the shell starts two sleeps (one in the background) and writes their pids
        CompletableFuture<ResilienceException> run = cancelledLater(cancel,
                "sleep 100 & echo $! > " + pids + ".tmp; sleep 100 & echo $! >> " + pids + ".tmp; mv "
                        + pids + ".tmp " + pids + "; wait");
        List<Long> children = waitForPids(pids, 2);
        assertTrue(children.stream().allMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)));
        cancel.cancel();
        ResilienceException e = run.get(30, TimeUnit.SECONDS);
        assertEquals(ErrorCode.CANCELLED, e.code());
        for (long pid : children) {
            assertTrue(waitUntilGone(pid), "child " + pid + " still alive after cancel");
        }
    }

    @Test
    @DisplayName("cancellation also kills children a shell loop keeps starting")
    void cancellationKillsRespawningChildren(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("marker");
        Cancellation cancel = Cancellation.create();
        CompletableFuture<ResilienceException> run = cancelledLater(cancel,
                "while true; do sleep 0.05; echo $$ > " + marker + "; done");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Files.exists(marker) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        long shell = Long.parseLong(Files.readString(marker).trim());
        cancel.cancel();
        assertEquals(ErrorCode.CANCELLED, run.get(30, TimeUnit.SECONDS).code());
        assertTrue(waitUntilGone(shell), "the looping shell survived");
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.parent().map(ProcessHandle::pid).orElse(-1L) == shell),
                "a child of the shell survived");
    }

    @Test
    @DisplayName("a run longer than its timeout is killed and fails with TIMEOUT")
    void timeout() {
        long start = System.nanoTime();
        ResilienceException e = assertThrows(ResilienceException.class, () -> ProcessRunner.command("sh", "-c",
                "echo started >&2; sleep 100").timeout(Duration.ofMillis(500)).run());
        assertEquals(ErrorCode.TIMEOUT, e.code());
        assertTrue(e.getMessage().contains("started"), "the stderr tail is kept: " + e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 30, "killed, not waited for");
    }

    @Test
    @DisplayName("secrets are redacted from stdout, stderr tails and error messages")
    void secretsRedacted() {
        String secret = "hunter2-s3cr3t";
        ProcessResult ok = ProcessRunner.command("sh", "-c", "echo \"out $S\"; echo \"err $S\" >&2")
                .environment("S", secret).redact(List.of(secret)).run();
        assertEquals("out ****\n", ok.stdout());
        assertEquals(List.of("err ****"), ok.stderrTail());
        ResilienceException e = assertThrows(ResilienceException.class, () -> ProcessRunner.command("sh", "-c",
                "echo \"failed for $S\" >&2; exit 1").environment("S", secret).redact(List.of(secret)).run());
        assertFalse(e.getMessage().contains(secret), e.getMessage());
        assertTrue(e.getMessage().contains("failed for ****"), e.getMessage());
    }

    @Test
    @DisplayName("variables of the calling process can be kept away from the tool")
    void removeEnvironment() {
        // HOME: inherited from the JVM, and (unlike PATH) not given a default by the shell when unset
        String inherited = "HOME";
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(inherited) != null, "HOME is not set");
        ProcessResult r = ProcessRunner.command("/bin/sh", "-c", "echo \"[${" + inherited + "-unset}] [$X]\"")
                .environment("X", "1").removeEnvironment(inherited).run();
        assertEquals("[unset] [1]\n", r.stdout());
    }

    @Test
    @DisplayName("stdout can go to a file and stdin come from one")
    void redirects(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in");
        Path out = dir.resolve("out");
        Files.writeString(in, "abc\n");
        ProcessResult r = ProcessRunner.command("cat").stdinFrom(in).stdoutTo(out).run();
        assertEquals("", r.stdout());
        assertEquals("abc\n", Files.readString(out));
    }

    private static List<Long> waitForPids(Path file, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                List<Long> pids = Files.readAllLines(file).stream().map(String::trim).filter(s -> !s.isEmpty())
                        .map(Long::parseLong).toList();
                if (pids.size() == count) {
                    return pids;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the shell did not report its children in time");
    }

    private static boolean waitUntilGone(long pid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    /** Runs a shell script in the background until the test cancels it; completes with the run's failure. */
    private static CompletableFuture<ResilienceException> cancelledLater(Cancellation cancel, String script) {
        return CompletableFuture.supplyAsync(() -> assertThrows(ResilienceException.class,
                () -> ProcessRunner.command("sh", "-c", script).cancellation(cancel).run()));
    }
}

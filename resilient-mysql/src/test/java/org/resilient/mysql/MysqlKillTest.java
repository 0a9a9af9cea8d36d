package org.resilient.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 16.8 and 16.11 with a real kill: a JVM of its own ({@link KillableImport}) imports a changed backup into a
 * standby holding the previous one and is killed with {@code kill -9} (SIGKILL, no clean-up of any kind) at a
 * chosen point of the swap. The next start of the importer (here its promotion, which like every import first
 * repairs an interrupted swap) must find the standby exactly as the old backup or exactly as the new one (tables,
 * rows, views, routines, triggers, events and their sql_mode compared), with nothing left behind, and the next import
 * must then bring it exactly to the new backup.
 */
@DisplayName("mysql: the standby after kill -9 of the importing JVM at chosen points of the swap")
class MysqlKillTest extends TwoServerTest {
    private static Path oldDump;
    private static Path newDump;
    private static Map<String, String> oldState;
    private static Map<String, String> newState;

    private static Map<String, String> standbyState() {
        return KillFixture.state(standby);
    }

    /** The old and the new backup of the source, and what each looks like on the standby, made once. */
    private static synchronized void backups() throws IOException {
        if (oldDump != null) {
            return;
        }
        KillFixture.createOld(source);
        oldDump = export("kill-old", TestDb.settings(source, "killed"));
        KillFixture.changeToNew(source);
        newDump = export("kill-new", TestDb.settings(source, "killed"));
        importInto(newDump, "killed");
        newState = standbyState();
        importInto(oldDump, "killed");
        oldState = standbyState();
        assertNotEquals(oldState, newState);
    }

    @ParameterizedTest(name = "killed at {0} ({1}): the standby is the {2} backup")
    @CsvSource({
            "before-rename, wait, old", // the standby's triggers and views dropped, the rename not run
            "before-rename, race, either", // killed while the RENAME TABLE is sent: it ran or it did not
            "objects killed, wait, old", // renamed, before the backup's objects replaced the standby's
            "committed, wait, new", // the journal dropped, the temporary databases not yet
            "swapped, wait, new"}) // the swap done, before the importer returned (and the node recorded it)
    @Timeout(600)
    void killedAt(String point, String mode, String expected) throws Exception {
        backups();
        importInto(oldDump, "killed");
        assertEquals(oldState, standbyState(), "the standby does not start from the old backup");

        Path log = work.resolve("child-" + point.replace(' ', '-') + "-" + mode + ".log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), KillableImport.class.getName(), standby.host(),
                Integer.toString(standby.port()), "killed", newDump.toString(), point, mode)
                .redirectError(log.toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("AT ") && !line.equals("DONE")) {
                // the child's other output (if any)
            }
            assertEquals("AT " + point, line, "the importing JVM did not reach " + point + "; its log: "
                    + (Files.exists(log) ? Files.readString(log) : "none"));
            child.destroyForcibly(); // SIGKILL
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the killed JVM did not end");
        } finally {
            child.destroyForcibly();
        }
        assertEquals(137, child.exitValue(), "the JVM was not killed by SIGKILL");

        // The restarted node's first operation on the standby repairs an interrupted swap first.
        promoteStandby("killed");
        Map<String, String> after = standbyState();
        switch (expected) {
            case "old" -> assertEquals(oldState, after, point + ": the standby is not exactly the old backup");
            case "new" -> assertEquals(newState, after, point + ": the standby is not exactly the new backup");
            default -> assertTrue(after.equals(oldState) || after.equals(newState),
                    point + ": the standby is neither exactly the old nor exactly the new backup: " + after);
        }
        assertEquals("[]", KillFixture.leftovers(standby), point + ": temporary databases left behind");

        importInto(newDump, "killed");
        assertEquals(newState, standbyState(), point + ": the next import did not bring the new backup");
    }
}

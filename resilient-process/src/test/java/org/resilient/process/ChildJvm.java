package org.resilient.process;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A JVM of its own for tests that kill it with {@code -9}: {@code tool FILE} runs a tool (a shell that writes its
 * pid to FILE, then becomes {@code sleep 300}) through {@link ProcessRunner}; {@code secret FILE} writes a
 * {@link SecretFile} and its path to FILE. Either then waits to be killed.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * @param args the mode and the file to report to
     * @throws Exception never expected
     */
    public static void main(String[] args) throws Exception {
        Path report = Path.of(args[1]);
        if (args[0].equals("tool")) {
            ProcessRunner.command("sh", "-c", "echo $$ > " + report + ".tmp && mv " + report + ".tmp " + report
                    + " && exec sleep 300").run();
        } else {
            SecretFile f = SecretFile.create("test-secret", "password");
            // Written whole, then renamed: the test polls for the report and must never read it half-written.
            Path tmp = Path.of(report + ".tmp");
            Files.writeString(tmp, f.path().toString());
            Files.move(tmp, report, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Thread.sleep(300_000);
        }
    }
}

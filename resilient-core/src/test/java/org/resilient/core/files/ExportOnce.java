package org.resilient.core.files;

import java.nio.file.Path;
import java.util.Map;
import org.resilient.api.BackupId;
import org.resilient.api.ExportContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.api.spi.Exporter;

/**
 * Runs one export of the {@code files} component in a process of its own, for tests that need the process to have
 * other privileges than the test's (an unreadable entry cannot be met as root): prints {@code OK} or the failure's
 * code and message, one line.
 */
public final class ExportOnce {
    private ExportOnce() {
    }

    /**
     * @param args the source, the export directory, then {@code files.skip-unreadable}
     */
    public static void main(String[] args) {
        Settings s = Settings.of(Map.of("files.source", args[0], "files.skip-unreadable", args[2]));
        try (Exporter e = new FilesComponentProvider().exporter(s)) {
            e.export(ExportContext.builder().directory(Path.of(args[1])).backupId(new BackupId("x1")).build());
            System.out.println("OK");
        } catch (ResilienceException e) {
            System.out.println(e.code() + " " + e.getMessage().replace('\n', ' '));
        }
    }
}

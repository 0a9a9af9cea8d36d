package org.example.sqlite;

import java.nio.file.Path;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.RobustnessContract;

/** Cancellation bounds, 64 MiB streamed in bounded memory, bad settings reported at once, against sqlite. */
class SqliteRobustnessTest extends RobustnessContract {
    @Override
    protected ComponentFixture createFixture(Path tempDir) {
        return new SqliteFixture(tempDir);
    }
}

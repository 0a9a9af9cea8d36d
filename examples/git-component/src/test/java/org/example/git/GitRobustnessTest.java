package org.example.git;

import java.nio.file.Path;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.RobustnessContract;

/** The whole robustness contract of the kit, run against the git component. */
class GitRobustnessTest extends RobustnessContract {
    @Override
    protected ComponentFixture createFixture(Path tempDir) {
        return new GitFixture(tempDir);
    }
}

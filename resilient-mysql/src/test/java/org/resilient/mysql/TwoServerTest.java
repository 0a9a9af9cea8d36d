package org.resilient.mysql;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.testservers.MariaDbServer;

/**
 * The real servers a test class of this module runs against: a source and a standby MariaDB server (shared by the
 * module's test classes, see {@link MariaDbServer#shared}) and a work directory for the class.
 */
abstract class TwoServerTest {
    @RegisterExtension
    static MariaDbServer source = MariaDbServer.shared("source");
    @RegisterExtension
    static MariaDbServer standby = MariaDbServer.shared("standby");
    @TempDir
    static Path work;
}

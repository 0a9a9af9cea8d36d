package org.resilient.postgres;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.resilient.testservers.PostgresServer;

/**
 * The real servers a test class of this module runs against, a live one and a standby (shared by the module's
 * test classes, see {@link PostgresServer#shared}), and the provider under test.
 */
abstract class TwoServerTest {
    @RegisterExtension
    static final PostgresServer SOURCE = PostgresServer.shared("live");
    @RegisterExtension
    static final PostgresServer STANDBY = PostgresServer.shared("standby");

    final PostgresComponentProvider provider = new PostgresComponentProvider();
}

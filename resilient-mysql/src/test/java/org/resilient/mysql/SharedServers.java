package org.resilient.mysql;

import org.resilient.testservers.SharedPair;

/**
 * Starts the module's shared source and standby servers (the ones {@link TwoServerTest} registers) for a test
 * class that extends a test kit contract instead, and so cannot extend {@code TwoServerTest}:
 * {@code @ExtendWith(SharedServers.class)}.
 */
final class SharedServers extends SharedPair {
    SharedServers() {
        super(TwoServerTest.source, TwoServerTest.standby);
    }

    /** @return the contract kits' fixture on the shared servers: a fresh database on the source */
    static MysqlFixture fixture() {
        return new MysqlFixture(TwoServerTest.source, TwoServerTest.standby);
    }
}

package org.resilient.postgres;

import org.resilient.testservers.SharedPair;

/**
 * Starts the module's shared source and standby servers (the ones {@link TwoServerTest} registers) for a test
 * class that extends a test kit contract instead, and so cannot extend {@code TwoServerTest}:
 * {@code @ExtendWith(SharedServers.class)}.
 */
final class SharedServers extends SharedPair {
    SharedServers() {
        super(TwoServerTest.SOURCE, TwoServerTest.STANDBY);
    }

    /** @return the contract kits' fixture on the shared servers: a fresh database on the source */
    static PostgresFixture fixture() {
        return new PostgresFixture(TwoServerTest.SOURCE, TwoServerTest.STANDBY);
    }
}

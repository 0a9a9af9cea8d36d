package org.resilient.testservers;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A class-level extension that starts a module's shared source and standby servers (see
 * {@link ThrowawayServer#shared}) before the class, for a test class that cannot register them on a field of its
 * own or of a base class: one whose superclass is a test kit contract. A module names its pair once:
 *
 * <pre>{@code
 * final class SharedServers extends SharedPair {
 *     SharedServers() { super(PostgresServer.shared("live"), PostgresServer.shared("standby")); }
 * }
 * @ExtendWith(SharedServers.class)
 * class PostgresExporterContractTest extends ExporterContract { ... }
 * }</pre>
 */
public abstract class SharedPair implements BeforeAllCallback {
    private final ThrowawayServer<?> source;
    private final ThrowawayServer<?> standby;

    /**
     * @param source the shared source server
     * @param standby the shared standby server
     */
    protected SharedPair(ThrowawayServer<?> source, ThrowawayServer<?> standby) {
        this.source = source;
        this.standby = standby;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        source.beforeAll(context);
        standby.beforeAll(context);
    }
}

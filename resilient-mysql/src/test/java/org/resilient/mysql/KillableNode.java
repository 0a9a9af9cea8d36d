package org.resilient.mysql;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * A JVM running a whole import node through the public API ({@code Resilient.node(...)}), whose {@code mysql}
 * component stops at a point of the swap ({@link KillableMysqlProvider}) so that a test can kill the node there with
 * {@code kill -9}. It reads its inbox and runs its pending job once, as a started node does each poll.
 */
public final class KillableNode {
    private static final String SERVICES = "META-INF/services/org.resilient.api.spi.ComponentProvider";

    private KillableNode() {
    }

    /**
     * @param args node directory, pull-backup node URI, standby host, standby port, databases
     * @throws Exception never expected
     */
    public static void main(String[] args) throws Exception {
        Path services = Files.createTempFile("killable-components", ".txt");
        Files.writeString(services, KillableMysqlProvider.class.getName() + "\n", StandardCharsets.UTF_8);
        services.toFile().deleteOnExit();
        try (var node = MysqlNodes.standby(Path.of(args[0]), java.net.URI.create(args[1]), args[2], args[3], args[4])
                .providersFrom(new OnlyKillable(KillableNode.class.getClassLoader(), services)).build()) {
            node.poll();
        }
        System.out.println("DONE");
        System.out.flush();
    }

    /** Lists the killable component as the only component provider; everything else comes from the parent. */
    private static final class OnlyKillable extends ClassLoader {
        private final Path services;

        OnlyKillable(ClassLoader parent, Path services) {
            super(parent);
            this.services = services;
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return name.equals(SERVICES) ? Collections.enumeration(List.of(services.toUri().toURL())) : super.getResources(name);
        }
    }
}

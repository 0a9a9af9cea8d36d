package org.resilient.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.resilient.cli.observe.ObservabilityServer;
import org.resilient.core.ResilientNode;
import org.resilient.core.node.NodeSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code resilient run}: run a node in the foreground on its schedule. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run this node in the foreground: read the inbox every node.poll-interval and handle what arrives; "
                + "export every export.interval while leader; serve GET /health and GET /metrics on node.metrics-listen if set. "
                + "Stops on SIGTERM/Ctrl-C.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    NodeOptions node;

    @Override
    public Integer call() throws InterruptedException {
        ResilientNode n = node.open();
        // /health and /metrics, when node.metrics-listen is set
        AutoCloseable metrics = new NodeSettings(n.settings()).metricsListen()
                .map(hostPort -> ObservabilityServer.start(n, hostPort)).orElse(() -> { });
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                metrics.close();
            } catch (Exception e) {
                // stopping anyway
            }
            n.close();
            stopped.countDown();
        }));
        n.start();
        stopped.await();
        return 0;
    }
}

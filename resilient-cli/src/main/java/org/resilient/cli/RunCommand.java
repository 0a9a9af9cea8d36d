package org.resilient.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.resilient.core.ResilientNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code resilient run}: run a node in the foreground on its schedule. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run this node in the foreground: read the inbox every node.poll-interval and handle what arrives; "
                + "export every export.interval while leader. Stops on SIGTERM/Ctrl-C.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    NodeOptions node;

    @Override
    public Integer call() throws InterruptedException {
        ResilientNode n = node.open();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            n.close();
            stopped.countDown();
        }));
        n.start();
        stopped.await();
        return 0;
    }
}

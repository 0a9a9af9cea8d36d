package org.resilient.coordinator.embedded;

import java.time.Clock;
import java.util.Map;
import org.resilient.api.Epoch;
import org.resilient.api.MemberState;
import org.resilient.api.NodeRole;
import org.resilient.api.Settings;
import org.resilient.api.spi.Coordinator;

/**
 * A node in its own OS process, for the cross-process tests: {@code DIR NAME cas WINS} takes WINS epochs by
 * compare-and-set, racing the other processes, then prints {@code done}; {@code DIR NAME hold} takes the
 * lease, prints {@code leader} and heartbeats until killed.
 */
public final class ChildNode {
    private ChildNode() {
    }

    /**
     * Runs the child.
     *
     * @param args directory, node name, mode and (for cas) the number of wins
     * @throws InterruptedException never in practice
     */
    public static void main(String[] args) throws InterruptedException {
        Coordinator c = new EmbeddedCoordinatorProvider().open(Settings.of(Map.of("node.name", args[1],
                "embedded.dir", args[0], "embedded.lease-ttl", "1500ms", "embedded.heartbeat-interval", "200ms",
                "embedded.lease-margin", "300ms")), Clock.systemUTC());
        if (args[2].equals("cas")) {
            int wins = 0;
            int goal = Integer.parseInt(args[3]);
            while (wins < goal) {
                Epoch e = c.epoch();
                if (c.advanceEpoch(e, e.next())) {
                    wins++;
                }
            }
            System.out.println("done");
            c.close();
            return;
        }
        c.join(MemberState.of(args[1], NodeRole.EXPORT, Epoch.INITIAL, Clock.systemUTC().instant()));
        while (c.tryAcquireLease().isEmpty()) {
            Thread.sleep(50);
        }
        System.out.println("leader");
        System.out.flush();
        while (true) {
            Thread.sleep(200);
            c.heartbeat();
        }
    }
}

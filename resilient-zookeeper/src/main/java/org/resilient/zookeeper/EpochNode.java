package org.resilient.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.MemberStateFormat;
import org.resilient.api.ResilienceException;

/**
 * The epoch node: {@code epoch=}, {@code taken-by=}, {@code taken-at=} and {@code token=}, changed only by a
 * create (from the initial epoch) or a {@code setData} conditional on the version read. The token, unique to
 * one {@link #advance} call, settles the case where Curator retried a write that had in fact succeeded before
 * the connection dropped: the retry fails (the version moved), and the token shows the move was ours.
 */
final class EpochNode {
    private final ZooKeeperCoordinator owner;

    EpochNode(ZooKeeperCoordinator owner) {
        this.owner = owner;
    }

    Epoch read() {
        return owner.call("read the epoch", () -> {
            owner.sync(ZooKeeperCoordinator.EPOCH);
            try {
                return parse(owner.client().getData().forPath(ZooKeeperCoordinator.EPOCH));
            } catch (KeeperException.NoNodeException e) {
                return Epoch.INITIAL;
            }
        });
    }

    boolean advance(Epoch expected, Epoch next, String token) {
        Map<String, String> data = new TreeMap<>(Map.of("epoch", next.toString(), "taken-by", owner.self(),
                "taken-at", owner.clock().instant().toString(), "token", token));
        byte[] bytes = MemberStateFormat.toText(data).getBytes(StandardCharsets.UTF_8);
        return owner.call("take epoch " + next, () -> {
            owner.sync(ZooKeeperCoordinator.EPOCH);
            Stat stat = new Stat();
            byte[] current;
            try {
                current = owner.client().getData().storingStatIn(stat).forPath(ZooKeeperCoordinator.EPOCH);
            } catch (KeeperException.NoNodeException e) {
                current = null;
            }
            if (!(current == null ? Epoch.INITIAL : parse(current)).equals(expected)) {
                return false;
            }
            try {
                if (current == null) {
                    owner.client().create().creatingParentsIfNeeded().forPath(ZooKeeperCoordinator.EPOCH, bytes);
                } else {
                    owner.client().setData().withVersion(stat.getVersion()).forPath(ZooKeeperCoordinator.EPOCH, bytes);
                }
                return true;
            } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException e) {
                // Another candidate moved it first, or our own write succeeded and Curator retried it.
                byte[] now = owner.client().getData().forPath(ZooKeeperCoordinator.EPOCH);
                return token.equals(ZooKeeperCoordinator.decode(now).get("token"));
            }
        });
    }

    private Epoch parse(byte[] data) {
        Map<String, String> m = ZooKeeperCoordinator.decode(data);
        try {
            return new Epoch(Long.parseLong(m.getOrDefault("epoch", "")));
        } catch (IllegalArgumentException e) {
            throw new ResilienceException(ErrorCode.MESSAGE_INVALID, "the epoch node " + ZooKeeperCoordinator.EPOCH
                    + " under zookeeper.base-path is damaged (" + m + "); set it to the newest epoch any node holds");
        }
    }
}

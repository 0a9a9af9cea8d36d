package org.resilient.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.resilient.api.ErrorCode;
import org.resilient.api.MemberState;
import org.resilient.api.MemberStateFormat;
import org.resilient.api.ResilienceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The members' ephemeral nodes, {@code members/<name>}, each holding its node's state: it lives as long as
 * the session that created it, so a node that dies or is partitioned leaves when its session expires.
 */
final class MemberNodes {
    private static final Logger LOG = LoggerFactory.getLogger(MemberNodes.class);

    private final ZooKeeperCoordinator owner;
    private final String path;

    MemberNodes(ZooKeeperCoordinator owner) {
        this.owner = owner;
        this.path = ZooKeeperCoordinator.MEMBERS + "/" + owner.self();
    }

    /** Creates or replaces the local node's state; refuses a name held by another live session. */
    void write(MemberState s) {
        byte[] data = MemberStateFormat.toText(MemberStateFormat.encode(s)).getBytes(StandardCharsets.UTF_8);
        CuratorFramework client = owner.client();
        owner.call("join as " + owner.self(), () -> {
            try {
                client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, data);
            } catch (KeeperException.NodeExistsException e) {
                Stat st = client.checkExists().forPath(path);
                if (st != null && st.getEphemeralOwner() != owner.sessionId()) {
                    throw new ResilienceException(ErrorCode.WRONG_STATE, "node name '" + owner.self() + "' is already "
                            + "joined by another live ZooKeeper session (" + owner.where(path) + "); stop that process "
                            + "or give this node another node.name");
                }
                client.setData().forPath(path, data);
            }
            return null;
        });
    }

    /** Whether the local node's member node exists (it is gone after its session expired). */
    boolean exists() {
        return owner.call("check the membership of " + owner.self(), () -> owner.client().checkExists().forPath(path)) != null;
    }

    /** Removes the local node's member node if this session owns it. */
    void remove() {
        owner.call("leave", () -> {
            Stat st = owner.client().checkExists().forPath(path);
            if (st != null && st.getEphemeralOwner() == owner.sessionId()) {
                owner.client().delete().withVersion(st.getVersion()).forPath(path);
            }
            return null;
        });
    }

    /** The states of every member, sorted by name; a malformed one is skipped with a warning. */
    List<MemberState> readAll() {
        CuratorFramework client = owner.client();
        return owner.call("read the members", () -> {
            owner.sync(ZooKeeperCoordinator.MEMBERS);
            List<MemberState> out = new ArrayList<>();
            List<String> names;
            try {
                names = client.getChildren().forPath(ZooKeeperCoordinator.MEMBERS);
            } catch (KeeperException.NoNodeException e) {
                return out;
            }
            for (String name : names) {
                String node = ZooKeeperCoordinator.MEMBERS + "/" + name;
                try {
                    String text = new String(client.getData().forPath(node), StandardCharsets.UTF_8);
                    out.add(MemberStateFormat.decode(MemberStateFormat.parseText(text, owner.where(node)), owner.where(node)));
                } catch (KeeperException.NoNodeException e) {
                    // it left between the listing and the read
                } catch (ResilienceException e) {
                    LOG.warn("skipping a member: {}", e.getMessage());
                }
            }
            out.sort(Comparator.comparing(MemberState::name));
            return out;
        });
    }
}

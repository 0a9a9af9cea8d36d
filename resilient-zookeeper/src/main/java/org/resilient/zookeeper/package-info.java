/**
 * The {@code zookeeper} coordinator, on Apache ZooKeeper through Apache Curator. Under the base path:
 * {@code members/<name>} (ephemeral, the member's state), {@code lease} (ephemeral, the leader's name) and
 * {@code epoch} (persistent, changed only by a versioned {@code setData}). A leader stops being allowed to
 * export as soon as its connection is SUSPENDED, and a RECONNECTED connection never gives the lease back by
 * itself: the node must acquire it again, which succeeds only while its own session still owns the lease.
 */
package org.resilient.zookeeper;

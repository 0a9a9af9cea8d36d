/**
 * Automatic failover of a running node through its coordinator ({@code node.coordinator}): membership and
 * heartbeats, the leader lease checked before every export, the election among import nodes, the epoch taken by
 * compare-and-set, promotion, and the demotion of a deposed leader. Internal: no compatibility guarantees.
 */
package org.resilient.core.failover;

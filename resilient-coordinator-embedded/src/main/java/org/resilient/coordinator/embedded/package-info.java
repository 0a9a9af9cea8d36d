/**
 * The {@code embedded} coordinator: membership, leader lease and the epoch's compare-and-set for the node
 * processes of one machine, through a shared directory with OS file locks. Not for several machines: file
 * locks on network file systems are unreliable, and lease expiry assumes every node reads the same clock.
 */
package org.resilient.coordinator.embedded;

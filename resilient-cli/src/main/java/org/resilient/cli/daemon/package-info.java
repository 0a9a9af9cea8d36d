/**
 * {@code resilient node}: one long-running process per node. It holds {@code state/daemon.lock} while it runs,
 * logs to stderr and {@code log/node.log}, runs the node's schedule, serves the control channel
 * ({@code state/control.sock}, see {@link org.resilient.cli.daemon.ControlProtocol}) through which
 * {@code resilient export|pull|import|status -c FILE} ask it to work instead of fighting it for the node lock,
 * and stops cleanly on SIGTERM or Ctrl-C.
 */
package org.resilient.cli.daemon;

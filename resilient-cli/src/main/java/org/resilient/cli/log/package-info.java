/**
 * The logging backend of the {@code resilient} command: logback-classic, configured in code (no XML to parse at
 * every start): every command logs to stderr; {@code resilient node} also logs to {@code log/node.log} of its node,
 * rolled by size and day. Each line carries the backup id ({@code backup=<id>}) of the step that logged it.
 */
package org.resilient.cli.log;

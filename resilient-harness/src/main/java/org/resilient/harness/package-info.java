/**
 * The cluster harness: a whole cluster (export node, pull-backup node with archive, import nodes) in one JVM on
 * the in-memory transport and archive of {@code resilient-testkit}, run by the core. It lives apart from the test
 * kit because it needs {@code resilient-core}; the kit itself needs only the API.
 */
package org.resilient.harness;

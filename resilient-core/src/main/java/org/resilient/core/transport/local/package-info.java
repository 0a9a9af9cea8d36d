/**
 * The local file-system transport ({@code file:} URIs): a node is its node directory, reachable through the
 * file system (local disk or a shared mount). Internal: no compatibility guarantees.
 */
package org.resilient.core.transport.local;

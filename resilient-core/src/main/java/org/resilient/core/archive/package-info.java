/**
 * What archives share: {@link org.resilient.core.archive.LockFile}, the one-writer lock that detects and
 * takes over stale locks. The simple full-copy archive is in {@link org.resilient.core.archive.copy}.
 * Internal: no compatibility guarantees.
 */
package org.resilient.core.archive;

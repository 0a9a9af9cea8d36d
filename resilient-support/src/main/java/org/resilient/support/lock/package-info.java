/**
 * The one-writer lock: {@link org.resilient.support.lock.LockFile}, a file naming its holder
 * ({@link org.resilient.support.lock.LockHolder}) that detects and takes over the locks of dead processes.
 * Internal: no compatibility guarantees.
 */
package org.resilient.support.lock;

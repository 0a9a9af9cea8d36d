/** The deduplicating, compressed, verifiable, crash-safe archive of scheme {@code dir}. */
package org.resilient.archive;

/** Restoring a generation: parallel reads, decompression, hash checks, large writes. */
package org.resilient.archive.restore;

/**
 * SHA-256 of bytes, byte ranges and files ({@link org.resilient.support.hash.Sha256}), tuned for the archive's
 * hot paths (one digest per thread, an early warm-up of the CPU intrinsic). Internal: no compatibility guarantees.
 */
package org.resilient.support.hash;

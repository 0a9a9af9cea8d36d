/** Storing a directory: the read, chunk, hash, compress and pack pipeline. */
package org.resilient.archive.store;

/** The chunk index: a compact hash table of SHA-256 to pack locations, and index files. */
package org.resilient.archive.index;

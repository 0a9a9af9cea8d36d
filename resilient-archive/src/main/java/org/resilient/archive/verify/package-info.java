/** Verifying an archive: structure and read-data checks mapped to generation, file, offset. */
package org.resilient.archive.verify;

/** Content-defined chunking (FastCDC with a gear hash) of streams. */
package org.resilient.archive.chunking;

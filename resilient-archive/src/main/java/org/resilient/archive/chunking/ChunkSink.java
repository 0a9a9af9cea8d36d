package org.resilient.archive.chunking;

/** Receives the chunks of a file in order. */
@FunctionalInterface
public interface ChunkSink {
    /**
     * Takes one chunk. The array is only valid during the call.
     *
     * @param buf the buffer holding the chunk
     * @param off start of the chunk
     * @param len its length
     * @throws Exception to stop chunking
     */
    void chunk(byte[] buf, int off, int len) throws Exception;
}

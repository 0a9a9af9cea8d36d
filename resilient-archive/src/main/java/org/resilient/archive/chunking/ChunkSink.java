package org.resilient.archive.chunking;

/** Receives the chunks of a file in order, each with its SHA-256. */
@FunctionalInterface
public interface ChunkSink {
    /**
     * Takes one chunk. The array is only valid during the call.
     *
     * @param buf the buffer holding the chunk
     * @param off start of the chunk
     * @param len its length
     * @param sha256 the chunk's SHA-256 (32 bytes, owned by the sink)
     * @throws Exception to stop chunking
     */
    void chunk(byte[] buf, int off, int len, byte[] sha256) throws Exception;
}

package org.resilient.archive.repo;

import java.nio.file.Path;

/**
 * Where things are in an archive directory.
 *
 * <pre>
 * config              format version and chunker parameters
 * lock                the writer's lock (host, pid, start)
 * packs/*.pack        chunks, ~16 MiB per pack, each with a trailer listing its chunks
 * index/*.idx         copies of pack trailers, so opening does not read every pack
 * generations/*.gen   one file per generation: its tree (files, chunk lists) and metadata
 * </pre>
 *
 * @param root the archive directory
 */
public record Layout(Path root) {
    /**
     * The config file.
     *
     * @return the path
     */
    public Path config() {
        return root.resolve("config");
    }

    /**
     * The lock file.
     *
     * @return the path
     */
    public Path lock() {
        return root.resolve("lock");
    }

    /**
     * The packs directory.
     *
     * @return the path
     */
    public Path packs() {
        return root.resolve("packs");
    }

    /**
     * The index directory.
     *
     * @return the path
     */
    public Path index() {
        return root.resolve("index");
    }

    /**
     * The generations directory.
     *
     * @return the path
     */
    public Path generations() {
        return root.resolve("generations");
    }

    /**
     * A pack file.
     *
     * @param name the pack's name
     * @return the path
     */
    public Path pack(String name) {
        return packs().resolve(name + ".pack");
    }

    /**
     * A generation file.
     *
     * @param id the generation id
     * @return the path
     */
    public Path generation(String id) {
        return generations().resolve(id + ".gen");
    }

    /**
     * Whether any generation file is present.
     *
     * @return true if one is
     * @throws java.io.IOException if the directory cannot be read
     */
    public boolean hasGenerations() throws java.io.IOException {
        try (java.nio.file.DirectoryStream<Path> ds = java.nio.file.Files.newDirectoryStream(generations(), "*.gen")) {
            return ds.iterator().hasNext();
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }
}

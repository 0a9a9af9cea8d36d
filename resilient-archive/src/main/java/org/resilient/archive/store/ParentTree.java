package org.resilient.archive.store;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.resilient.api.Generation;
import org.resilient.archive.repo.Layout;
import org.resilient.archive.tree.GenerationFile;
import org.resilient.archive.tree.TreeEntry;
import org.resilient.archive.tree.TreeReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of the generation a store builds on (the newest one, preferring the same source node), read as a
 * stream in path order alongside the directory being stored: only the entries of the files being scanned are
 * held, never the whole tree. It is only a guide for chunking; a damaged or unreadable parent means no guide,
 * never a failed store.
 */
final class ParentTree implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ParentTree.class);
    // Entries read past while another scanner still needs an earlier one; entries of files that no longer
    // exist are dropped, smallest path first, beyond this many.
    private static final int AHEAD_LIMIT = 64;

    private final TreeReader reader;
    private final String id;
    private final TreeMap<String, TreeEntry> ahead = new TreeMap<>();
    private boolean done;

    private ParentTree(TreeReader reader, String id) {
        this.reader = reader;
        this.id = id;
        this.done = reader == null;
    }

    /**
     * Opens the parent of a new generation.
     *
     * @param layout the archive
     * @param generations its generations
     * @param sourceNode the node the new backup comes from (may be null)
     * @return the parent, empty when there is none or it cannot be read
     */
    static ParentTree open(Layout layout, List<Generation> generations, String sourceNode) {
        Optional<Generation> parent = generations.stream()
                .filter(g -> sourceNode != null && sourceNode.equals(g.sourceNode()))
                .max(Comparator.comparing(Generation::time));
        if (parent.isEmpty()) {
            parent = generations.stream().max(Comparator.comparing(Generation::time));
        }
        if (parent.isEmpty()) {
            return new ParentTree(null, null);
        }
        String id = parent.get().id();
        try {
            return new ParentTree(GenerationFile.openTree(layout.generation(id)), id);
        } catch (IOException e) {
            LOG.warn("cannot read generation {} to guide chunking ({}); every file is cut afresh", id,
                    e.getMessage());
            return new ParentTree(null, null);
        }
    }

    /**
     * The parent generation's id.
     *
     * @return the id, or null without a parent
     */
    String id() {
        return id;
    }

    /**
     * Takes the parent's entry of a file. Scanners ask in about the order of paths.
     *
     * @param path the file's path
     * @return its entry in the parent, or null
     */
    synchronized TreeEntry take(String path) {
        TreeEntry e = ahead.remove(path);
        if (e != null) {
            return e;
        }
        while (!done) {
            TreeEntry n;
            try {
                n = reader.next();
            } catch (IOException ex) {
                LOG.warn("generation {} is unreadable past {} ({}); the rest is cut afresh", id, path,
                        ex.getMessage());
                n = null;
            }
            if (n == null) {
                done = true;
                break;
            }
            if (n.type() != TreeEntry.Type.FILE) {
                continue;
            }
            int c = n.path().compareTo(path);
            if (c == 0) {
                return n;
            }
            ahead.put(n.path(), n);
            while (ahead.size() > AHEAD_LIMIT) {
                ahead.pollFirstEntry();
            }
            if (c > 0) {
                break;
            }
        }
        return null;
    }

    @Override
    public synchronized void close() {
        done = true;
        ahead.clear();
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException e) {
                // read-only; nothing to lose
            }
        }
    }
}

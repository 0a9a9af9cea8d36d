package org.resilient.testkit.memory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.resilient.api.Generation;

/**
 * What an in-memory archive holds, shared by every {@link MemoryArchive} opened on its name. Access is
 * synchronized on this object; the writer lock makes a second concurrent store or prune fail with LOCKED.
 */
final class MemoryArchiveState {
    /** A stored generation with its tree. */
    record Stored(Generation generation, ByteTree tree) {
    }

    final String name;
    final ReentrantLock writer = new ReentrantLock();
    private final Map<String, Stored> generations = new LinkedHashMap<>();
    private long sequence;

    MemoryArchiveState(String name) {
        this.name = name;
    }

    synchronized long nextSequence() {
        return ++sequence;
    }

    synchronized void add(Stored s) {
        generations.put(s.generation().id(), s);
    }

    synchronized Stored get(String id) {
        return generations.get(id);
    }

    synchronized void remove(String id) {
        generations.remove(id);
    }

    synchronized List<Stored> all() {
        List<Stored> out = new ArrayList<>(generations.values());
        out.sort(Comparator.comparing((Stored s) -> s.generation().time()).thenComparing(s -> s.generation().id()));
        return out;
    }

    /**
     * The distinct file contents of all generations, by SHA-256, with their sizes.
     *
     * @return sha256 to size
     */
    synchronized Map<String, Long> contents() {
        Map<String, Long> out = new HashMap<>();
        for (Stored s : generations.values()) {
            for (ByteTree.Node n : s.tree().nodes()) {
                if (n.content() != null) {
                    out.put(n.sha256(), n.size());
                }
            }
        }
        return out;
    }
}

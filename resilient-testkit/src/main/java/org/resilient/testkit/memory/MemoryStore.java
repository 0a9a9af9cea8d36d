package org.resilient.testkit.memory;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.testkit.KitFiles;

/**
 * A key-value store held in this process, the "database" of the {@code memory} component. Stores are named
 * ({@code memory.store=<name>}) and live until {@link #drop(String)}. A store starts writable (a live copy);
 * an import turns it into a read-only standby until it is promoted, and a demotion makes a live copy read-only
 * again, keeping its data.
 *
 * <p>Its content is replaced as a whole by an import (one reference swap), so a reader never sees half an
 * import and a failed import changes nothing.
 */
public final class MemoryStore {
    private static final ConcurrentHashMap<String, MemoryStore> STORES = new ConcurrentHashMap<>();

    private final String name;
    private volatile SortedMap<String, String> data = Collections.emptySortedMap();
    private volatile boolean writable = true;
    private volatile boolean holdsData;
    private volatile Epoch promotedIn;
    // Faults a test injects into the exports of this store (see failNextExports and onExport).
    private final java.util.concurrent.atomic.AtomicInteger failExports = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Runnable exportHook;

    private MemoryStore(String name) {
        this.name = name;
    }

    /**
     * The store of a name, created (empty, writable) if needed.
     *
     * @param name the name
     * @return the store
     */
    public static MemoryStore named(String name) {
        if (name == null || name.isBlank()) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "a memory store needs a non-empty name (memory.store)");
        }
        return STORES.computeIfAbsent(name, MemoryStore::new);
    }

    /**
     * Forgets a store.
     *
     * @param name the name
     */
    public static void drop(String name) {
        STORES.remove(name);
    }

    /**
     * The name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Writes a value.
     *
     * @param key the key
     * @param value the value
     * @throws ResilienceException {@code WRONG_STATE} if the store is a read-only standby
     */
    public synchronized void put(String key, String value) {
        checkWritable();
        TreeMap<String, String> copy = new TreeMap<>(data);
        copy.put(key, value);
        replace(copy);
    }

    /**
     * Removes a key.
     *
     * @param key the key
     * @throws ResilienceException {@code WRONG_STATE} if the store is a read-only standby
     */
    public synchronized void remove(String key) {
        checkWritable();
        TreeMap<String, String> copy = new TreeMap<>(data);
        copy.remove(key);
        replace(copy);
    }

    /**
     * Writes many values at once.
     *
     * @param values the values
     * @throws ResilienceException {@code WRONG_STATE} if the store is a read-only standby
     */
    public synchronized void putAll(Map<String, String> values) {
        checkWritable();
        TreeMap<String, String> copy = new TreeMap<>(data);
        copy.putAll(values);
        replace(copy);
    }

    /**
     * Reads a value.
     *
     * @param key the key
     * @return the value
     */
    public Optional<String> get(String key) {
        return Optional.ofNullable(data.get(key));
    }

    /**
     * A consistent snapshot of the whole content.
     *
     * @return the entries, sorted by key
     */
    public SortedMap<String, String> snapshot() {
        return data;
    }

    /**
     * Whether the store accepts writes (false for a standby that was not promoted).
     *
     * @return true if writable
     */
    public boolean writable() {
        return writable;
    }

    /**
     * The epoch of the last promotion.
     *
     * @return the epoch, if the store was ever promoted
     */
    public Optional<Epoch> promotedIn() {
        return Optional.ofNullable(promotedIn);
    }

    /**
     * A digest of the content: equal exactly when the content is equal; a store that never held data has a
     * digest no content has.
     *
     * @return the fingerprint
     */
    public String fingerprint() {
        if (!holdsData) {
            return "never-held-data";
        }
        StringBuilder s = new StringBuilder();
        data.forEach((k, v) -> s.append(k.length()).append(':').append(k).append(v.length()).append(':').append(v));
        return KitFiles.sha256(s.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Makes the next {@code n} exports of this store fail with {@code TOOL_FAILED}, as a dump tool that crashes
     * would (a fault injected by a test).
     *
     * @param n how many exports fail, 0 to stop failing
     */
    public void failNextExports(int n) {
        failExports.set(n);
    }

    /**
     * Runs a hook at the start of every export of this store, before anything is written: a test may block in
     * it (to hold an export open), count it, or throw to make the export fail.
     *
     * @param hook the hook, or null for none
     */
    public void onExport(Runnable hook) {
        exportHook = hook;
    }

    /** Runs the injected faults of an export starting now. */
    void beforeExport() {
        Runnable hook = exportHook;
        if (hook != null) {
            hook.run();
        }
        if (failExports.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new ResilienceException(ErrorCode.TOOL_FAILED, "export of memory store '" + name
                    + "' failed (a failure injected by the test)");
        }
    }

    /** Replaces the content as a whole and makes the store a read-only standby (what an import does). */
    synchronized void importContent(SortedMap<String, String> content) {
        writable = false;
        replace(content);
    }

    synchronized void promote(Epoch epoch) {
        writable = true;
        promotedIn = epoch;
    }

    /** Fences the store (what a demotion does): it keeps its data and refuses writes until promoted again. */
    synchronized void demote() {
        writable = false;
    }

    private void replace(SortedMap<String, String> content) {
        data = Collections.unmodifiableSortedMap(new TreeMap<>(content));
        holdsData = true;
    }

    private void checkWritable() {
        if (!writable) {
            throw new ResilienceException(ErrorCode.WRONG_STATE, "memory store '" + name
                    + "' is a read-only standby or a demoted live copy; promote it to write");
        }
    }
}

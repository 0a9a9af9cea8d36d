package org.resilient.testkit.memory;

import java.net.URI;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.Archive;
import org.resilient.api.spi.ArchiveProvider;

/**
 * The {@code mem} archive: generations kept in this process, under a name ({@code mem:<name>}), for tests.
 * Reopening the same name gives the same content; {@link #drop(String)} forgets it.
 */
public final class MemoryArchiveProvider implements ArchiveProvider {
    private static final ConcurrentHashMap<String, MemoryArchiveState> ARCHIVES = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, Runnable> STORE_HOOKS = new ConcurrentHashMap<>();

    @Override
    public String scheme() {
        return MemoryNetwork.SCHEME;
    }

    @Override
    public String description() {
        return "in-process archive of full copies, deduplicated by content (tests)";
    }

    @Override
    public List<SettingSpec> settings() {
        return List.of();
    }

    @Override
    public Archive open(URI location, Settings settings, boolean create) {
        String name = MemoryNetwork.name(location);
        MemoryArchiveState state = create ? ARCHIVES.computeIfAbsent(name, MemoryArchiveState::new) : ARCHIVES.get(name);
        if (state == null) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "no in-memory archive " + location
                    + " in this process; open it with create to make one");
        }
        return new MemoryArchive(state);
    }

    /**
     * The state of an archive, for tests that damage it.
     *
     * @param name the name
     * @return the state, or null
     */
    static MemoryArchiveState state(String name) {
        return ARCHIVES.get(name);
    }

    /**
     * Runs a hook at the start of every store into an in-memory archive (a fault a test injects): it may block,
     * count, or throw to make the store fail, as a full disk would.
     *
     * @param name the archive's name ({@code mem:<name>})
     * @param hook the hook, or null for none
     */
    public static void onStore(String name, Runnable hook) {
        if (hook == null) {
            STORE_HOOKS.remove(name);
        } else {
            STORE_HOOKS.put(name, hook);
        }
    }

    static void beforeStore(String name) {
        Runnable hook = STORE_HOOKS.get(name);
        if (hook != null) {
            hook.run();
        }
    }

    /**
     * Forgets an in-memory archive.
     *
     * @param name the name ({@code mem:<name>})
     */
    public static void drop(String name) {
        ARCHIVES.remove(name);
        STORE_HOOKS.remove(name);
    }
}

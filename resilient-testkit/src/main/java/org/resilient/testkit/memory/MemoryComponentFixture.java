package org.resilient.testkit.memory;

import java.util.TreeMap;
import java.util.UUID;
import org.resilient.api.Settings;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.testkit.ComponentFixture;

/**
 * A {@link ComponentFixture} for the {@code memory} component: a live store and a standby store with unique
 * names, seeded with enough entries to make a dump of several parts.
 */
public final class MemoryComponentFixture implements ComponentFixture {
    private static final int SEED_ENTRIES = 1234;

    private final String live = "live-" + UUID.randomUUID();
    private final String standby = "standby-" + UUID.randomUUID();
    private final MemoryComponentProvider provider = new MemoryComponentProvider();

    @Override
    public ComponentProvider provider() {
        return provider;
    }

    @Override
    public Settings exportSettings() {
        return Settings.empty().with(MemoryComponentProvider.STORE, live);
    }

    @Override
    public Settings importSettings() {
        return Settings.empty().with(MemoryComponentProvider.STORE, standby);
    }

    /**
     * The live store, for tests that write to it directly.
     *
     * @return the store
     */
    public MemoryStore liveStore() {
        return MemoryStore.named(live);
    }

    /**
     * The standby store.
     *
     * @return the store
     */
    public MemoryStore standbyStore() {
        return MemoryStore.named(standby);
    }

    @Override
    public void seed() {
        TreeMap<String, String> values = new TreeMap<>();
        for (int i = 0; i < SEED_ENTRIES; i++) {
            values.put(String.format("key-%05d", i), "value " + i + (i % 7 == 0 ? "\twith tab\nand newline %" : ""));
        }
        liveStore().putAll(values);
    }

    @Override
    public void change(int round) {
        MemoryStore s = liveStore();
        s.put(String.format("key-%05d", round), "changed in round " + round);
        s.put("added-" + round, "new in round " + round);
        s.remove(String.format("key-%05d", 1000 + round));
    }

    @Override
    public String liveFingerprint() {
        return liveStore().fingerprint();
    }

    @Override
    public String standbyFingerprint() {
        return standbyStore().fingerprint();
    }

    @Override
    public boolean standbyWritable() {
        return standbyStore().writable();
    }

    @Override
    public void close() {
        MemoryStore.drop(live);
        MemoryStore.drop(standby);
    }
}

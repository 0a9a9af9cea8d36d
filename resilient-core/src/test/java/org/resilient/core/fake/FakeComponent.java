package org.resilient.core.fake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.resilient.api.Capability;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.Setting;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.api.spi.Exporter;
import org.resilient.api.spi.Importer;

/**
 * A test component named {@code fake}: its "live data" and "standbys" are strings in a static map, keyed by
 * {@code fake.live} and {@code fake.standby}. Tests can make the next exports fail or block.
 */
public class FakeComponent implements ComponentProvider {
    /** Data by store name. */
    public static final Map<String, String> STORES = new ConcurrentHashMap<>();
    /** Promotions by store name. */
    public static final Map<String, Boolean> PROMOTED = new ConcurrentHashMap<>();
    /** Exports to fail before succeeding. */
    public static final AtomicInteger FAIL_EXPORTS = new AtomicInteger();
    /** When set, exports wait on it (to hold an export open). */
    public static volatile CountDownLatch BLOCK_EXPORT;
    /** Signalled when an export starts. */
    public static volatile CountDownLatch EXPORT_STARTED;

    @Override
    public String name() {
        return "fake";
    }

    static final Setting<String> LIVE = Setting.string("fake.live", null, "live store").requiredToExport();
    static final Setting<String> STANDBY = Setting.string("fake.standby", null, "standby store").requiredToImport();

    @Override
    public String description() {
        return "a string in memory, for tests";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.PROMOTE, Capability.ATOMIC_IMPORT);
    }

    @Override
    public List<SettingSpec> settings() {
        return List.of(LIVE.spec(), STANDBY.spec());
    }

    @Override
    public Exporter exporter(Settings settings) {
        String live = LIVE.require(settings);
        return ctx -> {
            if (EXPORT_STARTED != null) {
                EXPORT_STARTED.countDown();
            }
            if (BLOCK_EXPORT != null) {
                try {
                    BLOCK_EXPORT.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (FAIL_EXPORTS.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new ResilienceException(ErrorCode.TOOL_FAILED, "fake export failure");
            }
            try {
                Files.writeString(ctx.directory().resolve("data.txt"), STORES.getOrDefault(live, ""));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    @Override
    public Importer importer(Settings settings) {
        String standby = STANDBY.require(settings);
        return new Importer() {
            @Override
            public void importBackup(org.resilient.api.ImportContext ctx) {
                try {
                    STORES.put(standby, Files.readString(ctx.directory().resolve("data.txt"), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void promote(org.resilient.api.PromoteContext ctx) {
                PROMOTED.put(standby, true);
            }
        };
    }
}

package org.resilient.testkit.memory;

import java.util.EnumSet;
import java.util.List;
import org.resilient.api.Capability;
import org.resilient.api.ExportContext;
import org.resilient.api.ImportContext;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.Setting;
import org.resilient.api.Settings;
import org.resilient.api.spi.AbstractComponentProvider;
import org.resilient.api.spi.Exporter;
import org.resilient.api.spi.Importer;

/**
 * The {@code memory} component: a {@link MemoryStore} named by {@code memory.store}. Export dumps a
 * consistent snapshot ({@link MemoryDump}); import reads and checks the whole dump, then swaps it in, so a
 * failed or cancelled import changes nothing; the standby is read-only until promoted; a demoted live copy is
 * read-only again (its data kept) until the next promotion.
 */
public final class MemoryComponentProvider extends AbstractComponentProvider {
    /** The component name. */
    public static final String NAME = "memory";
    /** The setting naming the store. */
    public static final String STORE = "memory.store";
    private static final Setting<String> STORE_NAME = Setting.string(STORE, null, "the name of the in-process store")
            .required();

    /** The provider ServiceLoader makes. */
    public MemoryComponentProvider() {
        super(NAME, "an in-process key-value store (tests and demos)",
                EnumSet.of(Capability.PROMOTE, Capability.DEMOTE, Capability.READ_ONLY_STANDBY, Capability.ATOMIC_IMPORT),
                List.of(STORE_NAME.spec()), MemoryComponentProvider::exporterFor, MemoryComponentProvider::importerFor);
    }

    private static Exporter exporterFor(Settings settings) {
        MemoryStore store = MemoryStore.named(STORE_NAME.require(settings));
        return new Exporter() {
            @Override
            public void export(ExportContext context) {
                context.cancellation().throwIfCancelled("export of memory store " + store.name());
                store.beforeExport();
                MemoryDump.write(store.snapshot(), context.directory(), context.progress(), context.cancellation());
            }
        };
    }

    private static Importer importerFor(Settings settings) {
        MemoryStore store = MemoryStore.named(STORE_NAME.require(settings));
        return new Importer() {
            @Override
            public void importBackup(ImportContext context) {
                context.cancellation().throwIfCancelled("import into memory store " + store.name());
                var content = MemoryDump.read(context.directory(), context.progress(), context.cancellation());
                context.cancellation().throwIfCancelled("import into memory store " + store.name());
                store.importContent(content);
            }

            @Override
            public void promote(RoleChangeContext context) {
                store.promote(context.epoch());
            }

            @Override
            public void demote(RoleChangeContext context) {
                store.demote();
            }
        };
    }
}

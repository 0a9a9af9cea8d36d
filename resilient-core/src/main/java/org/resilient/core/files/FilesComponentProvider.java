package org.resilient.core.files;

import java.nio.file.Path;
import java.util.EnumSet;
import org.resilient.api.Capability;
import org.resilient.api.Settings;
import org.resilient.api.spi.AbstractComponentProvider;
import org.resilient.api.spi.Exporter;
import org.resilient.api.spi.Importer;

/**
 * The {@code files} component: a directory tree. Export nodes set {@code files.source}, import nodes
 * {@code files.target}. Demotion fences the live directory against ordinary processes ({@link DirectoryFence}),
 * promotion lifts the fence.
 */
public final class FilesComponentProvider extends AbstractComponentProvider {
    /** The component's name. */
    public static final String NAME = "files";

    /** The provider ServiceLoader makes. */
    public FilesComponentProvider() {
        super(NAME, "a directory tree (files, empty directories, links, modes, times), imported by atomic swap",
                EnumSet.of(Capability.PROMOTE, Capability.DEMOTE, Capability.ATOMIC_IMPORT, Capability.SYMLINKS,
                        Capability.FILE_MODES, Capability.MODIFICATION_TIMES, Capability.EMPTY_DIRECTORIES),
                FilesSettings.SPECS, FilesComponentProvider::exporterFor, FilesComponentProvider::importerFor);
    }

    private static Exporter exporterFor(Settings settings) {
        return new FilesExporter(FilesSettings.path(settings, FilesSettings.SOURCE),
                FilesSettings.EXCLUDE.get(settings), FilesSettings.SKIP_UNREADABLE.get(settings));
    }

    private static Importer importerFor(Settings settings) {
        // The live copy a promotion opens and a demotion fences is the directory the node exports (files.source)
        // when it has one, else its standby (files.target, which a promoted import node exports); a former leader
        // configured with files.source only can so be demoted.
        Path source = FilesSettings.optionalPath(settings, FilesSettings.SOURCE);
        Path target = source == null ? FilesSettings.path(settings, FilesSettings.TARGET)
                : FilesSettings.optionalPath(settings, FilesSettings.TARGET);
        return new FilesImporter(target, source != null ? source : target);
    }
}

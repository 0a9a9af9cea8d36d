package org.resilient.core.files;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.resilient.api.Capability;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.api.spi.Exporter;
import org.resilient.api.spi.Importer;

/**
 * The {@code files} component: a directory tree. Export nodes set {@code files.source}, import nodes
 * {@code files.target}. Demotion fences the live directory against ordinary processes ({@link DirectoryFence}),
 * promotion lifts the fence.
 */
public final class FilesComponentProvider implements ComponentProvider {
    /** The component's name. */
    public static final String NAME = "files";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a directory tree (files, empty directories, links, modes, times), imported by atomic swap";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.PROMOTE, Capability.DEMOTE, Capability.ATOMIC_IMPORT, Capability.SYMLINKS, Capability.FILE_MODES,
                Capability.MODIFICATION_TIMES, Capability.EMPTY_DIRECTORIES);
    }

    @Override
    public List<SettingSpec> settings() {
        return FilesSettings.SPECS;
    }

    @Override
    public Exporter exporter(Settings settings) {
        return new FilesExporter(FilesSettings.path(settings, FilesSettings.SOURCE),
                FilesSettings.EXCLUDE.get(settings), FilesSettings.SKIP_UNREADABLE.get(settings));
    }

    @Override
    public Importer importer(Settings settings) {
        // The live copy a promotion opens and a demotion fences is the directory the node exports (files.source)
        // when it has one, else its standby (files.target, which a promoted import node exports); a former leader
        // configured with files.source only can so be demoted.
        Path source = FilesSettings.optionalPath(settings, FilesSettings.SOURCE);
        Path target = source == null ? FilesSettings.path(settings, FilesSettings.TARGET)
                : FilesSettings.optionalPath(settings, FilesSettings.TARGET);
        return new FilesImporter(target, source != null ? source : target);
    }
}

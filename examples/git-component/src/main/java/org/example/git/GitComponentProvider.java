package org.example.git;

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
 * The {@code git} component: one bare git repository, named by {@code git.repository}. Exported consistently with
 * {@code git bundle create --all} while clients keep pushing; imported by cloning the bundle beside the standby and
 * swapping a symbolic link; the standby refuses pushes (a {@code pre-receive} hook) until promoted, and a deposed
 * leader's repository is fenced the same way by demotion.
 *
 * <p>Registered in {@code META-INF/services/org.resilient.api.spi.ComponentProvider}.
 */
public final class GitComponentProvider implements ComponentProvider {
    /** The component's name and settings prefix. */
    public static final String NAME = "git";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a bare git repository (git bundle, checked clone, atomic link swap, pushes fenced by a hook)";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.ATOMIC_IMPORT, Capability.READ_ONLY_STANDBY, Capability.PROMOTE, Capability.DEMOTE);
    }

    @Override
    public List<SettingSpec> settings() {
        return GitSettings.specs();
    }

    @Override
    public Exporter exporter(Settings settings) {
        return new GitExporter(GitSettings.read(settings));
    }

    @Override
    public Importer importer(Settings settings) {
        return new GitImporter(GitSettings.read(settings));
    }
}

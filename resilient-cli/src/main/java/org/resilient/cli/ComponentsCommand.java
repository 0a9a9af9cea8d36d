package org.resilient.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.resilient.api.SettingSpec;
import org.resilient.core.node.NodeSettings;
import org.resilient.core.registry.ProviderInfo;
import org.resilient.core.registry.Registry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code resilient components}: lists the components, transports and archives found, and their settings. */
@Command(name = "components", mixinStandardHelpOptions = true,
        description = "List the components, transports and archives found on the class path.")
final class ComponentsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--settings", description = "Also list every setting of the node and of each provider found: key, "
            + "type, default, allowed values and what it does (generated from their declarations).")
    boolean settings;

    @Override
    public Integer call() {
        Registry registry = Registry.load();
        List<ProviderInfo> all = registry.all();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-10s %-10s %-55s %s%n", "KIND", "NAME", "CLASS", "MODULE");
        for (ProviderInfo p : all) {
            out.printf("%-10s %-10s %-55s %s%s%n", p.kind(), p.error() ? "(broken)" : p.name(), p.className(),
                    p.artifact() != null ? p.artifact() + " (" + p.module() + ")" : p.module(),
                    p.error() ? "  error: " + p.description() : "");
        }
        if (settings) {
            section(out, "node (every node; RESILIENT_<KEY> variables override keys)", NodeSettings.SPECS);
            for (ProviderInfo p : all) {
                if (!p.error()) {
                    section(out, p.kind() + " " + p.name(), registry.settings(p));
                }
            }
        }
        return all.stream().anyMatch(ProviderInfo::error) ? 1 : 0;
    }

    private static void section(PrintWriter out, String title, List<SettingSpec> specs) {
        out.printf("%n%s%n", title);
        if (specs.isEmpty()) {
            out.println("  (no settings)");
        }
        for (SettingSpec s : specs) {
            StringBuilder line = new StringBuilder("  ").append(s.key()).append("  ")
                    .append(s.type().name().toLowerCase(java.util.Locale.ROOT));
            switch (s.need()) {
                case ALWAYS -> line.append(", required");
                case TO_EXPORT -> line.append(", required to export");
                case TO_IMPORT -> line.append(", required to import");
                default -> {
                }
            }
            if (s.defaultValue() != null) {
                line.append(", default ").append(s.defaultValue());
            }
            if (s.secret()) {
                line.append(", secret");
            }
            out.println(line);
            out.println("      " + s.description());
            if (s.allowed() != null) {
                out.println("      allowed: " + s.allowed());
            }
        }
    }
}

package org.resilient.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.resilient.core.registry.ProviderInfo;
import org.resilient.core.registry.Registry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code resilient components}: lists the components, transports and archives found. */
@Command(name = "components", mixinStandardHelpOptions = true,
        description = "List the components, transports and archives found on the class path.")
final class ComponentsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<ProviderInfo> all = Registry.load().all();
        var out = spec.commandLine().getOut();
        out.printf("%-10s %-10s %-55s %s%n", "KIND", "NAME", "CLASS", "MODULE");
        for (ProviderInfo p : all) {
            out.printf("%-10s %-10s %-55s %s%s%n", p.kind(), p.error() ? "(broken)" : p.name(), p.className(), p.module(),
                    p.error() ? "  error: " + p.description() : "");
        }
        return all.stream().anyMatch(ProviderInfo::error) ? 1 : 0;
    }
}

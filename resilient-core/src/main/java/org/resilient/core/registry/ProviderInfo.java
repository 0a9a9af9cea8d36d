package org.resilient.core.registry;

/**
 * One provider found (or found broken) on the class path.
 *
 * @param name the component name or scheme, or null if the provider failed to load
 * @param kind {@code component}, {@code transport} or {@code archive}
 * @param className the provider class
 * @param module the jar (or directory) it was loaded from, or the module name
 * @param description its one-line description, or the load error
 * @param error whether it failed to load
 */
public record ProviderInfo(String name, String kind, String className, String module, String description,
                           boolean error) {
}

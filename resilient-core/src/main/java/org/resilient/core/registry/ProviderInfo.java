package org.resilient.core.registry;

/**
 * One provider found (or found broken) on the class path.
 *
 * @param name the component name or scheme, or null if the provider failed to load
 * @param kind {@code component}, {@code transport} or {@code archive}
 * @param className the provider class
 * @param module the jar (or directory) it was loaded from, or the module name
 * @param artifact the artifact ({@code groupId:artifactId}) its jar declares, or null
 * @param description its one-line description, or the load error
 * @param error whether it failed to load
 */
public record ProviderInfo(String name, String kind, String className, String module, String artifact,
                           String description, boolean error) {
}

package org.resilient.core.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;

/**
 * Reads a node's configuration: a properties file ({@code files.source=/srv/data}), and environment variables
 * overriding keys ({@code RESILIENT_FILES_SOURCE}). A variable overrides a key a provider declares or a key
 * that is set; other {@code RESILIENT_*} variables are ignored. The same overrides apply to a config file and
 * to an embedded node's builder settings.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /**
     * Loads a file and applies the environment.
     *
     * @param file the properties file (UTF-8), or null for environment only
     * @param environment the environment, usually {@code System.getenv()}
     * @param declared every setting the providers declare
     * @return the merged settings
     * @throws ResilienceException {@code CONFIG_INVALID} if the file is missing or unreadable
     */
    public static Settings load(Path file, Map<String, String> environment, Collection<SettingSpec> declared) {
        return withEnvironment(file == null ? Settings.empty() : read(file), environment, declared);
    }

    /**
     * Reads a properties file (UTF-8); keys and values are trimmed.
     *
     * @param file the file
     * @return its settings
     * @throws ResilienceException {@code CONFIG_INVALID} if the file is missing or unreadable
     */
    public static Settings read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "config file " + file
                    + " does not exist; create it (see README: 'Configure a node') or pass --config");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> values.put(k.trim(), p.getProperty(k).trim()));
        return Settings.of(values);
    }

    /**
     * Applies environment variables over settings.
     *
     * @param base the settings of the file or the builder
     * @param environment the environment, usually {@code System.getenv()}
     * @param declared every setting the providers declare
     * @return the merged settings
     */
    public static Settings withEnvironment(Settings base, Map<String, String> environment,
                                           Collection<SettingSpec> declared) {
        Map<String, String> values = new TreeMap<>();
        base.keys().forEach(k -> values.put(k, base.get(k).orElseThrow()));
        Map<String, String> keysByVariable = new TreeMap<>();
        declared.forEach(s -> keysByVariable.put(s.environmentVariable(), s.key()));
        values.keySet().forEach(k -> keysByVariable.putIfAbsent(Settings.environmentVariable(k), k));
        keysByVariable.forEach((variable, key) -> {
            String v = environment.get(variable);
            if (v != null) {
                values.put(key, v.trim());
            }
        });
        return Settings.of(values);
    }
}

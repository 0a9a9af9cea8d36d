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
 * Reads a node's configuration: a properties file ({@code files.source=/srv/data}), then environment
 * variables overriding keys ({@code RESILIENT_FILES_SOURCE}). A variable overrides a key declared by a
 * provider or present in the file; other {@code RESILIENT_*} variables are ignored.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /**
     * Loads the settings.
     *
     * @param file the properties file (UTF-8), or null for environment only
     * @param environment the environment, usually {@code System.getenv()}
     * @param declared every setting the providers declare
     * @return the merged settings
     * @throws ResilienceException {@code CONFIG_INVALID} if the file is missing or unreadable
     */
    public static Settings load(Path file, Map<String, String> environment, Collection<SettingSpec> declared) {
        Map<String, String> values = new TreeMap<>();
        if (file != null) {
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
            p.stringPropertyNames().forEach(k -> values.put(k.trim(), p.getProperty(k).trim()));
        }
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

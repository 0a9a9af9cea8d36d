package org.resilient.core.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.support.fs.AtomicFiles;

/** Small {@code key=value} state files, written atomically and read strictly. */
final class StateFiles {
    private StateFiles() {
    }

    static Map<String, String> read(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException | IllegalArgumentException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot read state file " + file + ": " + e.getMessage()
                    + "; if it is damaged, move it away (the node starts afresh for that piece of state)");
        }
        Map<String, String> out = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    static void write(Path file, Map<String, String> values) {
        StringBuilder s = new StringBuilder();
        new TreeMap<>(values).forEach((k, v) -> {
            if (v != null) {
                s.append(escape(k)).append('=').append(escape(v)).append('\n');
            }
        });
        AtomicFiles.write(file, s.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String escape(String v) {
        Properties p = new Properties();
        p.setProperty("k", v);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            p.store(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        String line = text.lines().filter(l -> l.startsWith("k=")).findFirst().orElse("k=");
        return line.substring(2);
    }
}

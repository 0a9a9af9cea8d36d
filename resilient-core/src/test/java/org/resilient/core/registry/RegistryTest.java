package org.resilient.core.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

class RegistryTest {
    @TempDir
    Path dir;

    private Registry registryWith(String... classes) throws Exception {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve("org.resilient.api.spi.TransportProvider"), String.join("\n", classes) + "\n");
        return Registry.load(new URLClassLoader(new java.net.URL[] {dir.toUri().toURL()}, getClass().getClassLoader()));
    }

    @Test
    @DisplayName("a provider is found by its name, with its class and origin")
    void findsProvider() throws Exception {
        Registry r = registryWith(GoodProvider.class.getName());
        assertInstanceOf(GoodProvider.class, r.transport("test"));
        ProviderInfo info = r.all().stream().filter(p -> "test".equals(p.name())).findFirst().orElseThrow();
        assertEquals("transport", info.kind());
        assertEquals(GoodProvider.class.getName(), info.className());
        assertTrue(info.module().contains("resilient-core"), info.module());
    }

    @Test
    @DisplayName("an unknown name lists what was found and the artifact providing it")
    void unknownName() throws Exception {
        Registry r = registryWith(GoodProvider.class.getName());
        ResilienceException e = assertThrows(ResilienceException.class, () -> r.component("postgres"));
        assertEquals(ErrorCode.UNKNOWN_PROVIDER, e.code());
        assertTrue(e.getMessage().contains("org.resilient:resilient-postgres"), e.getMessage());
        ResilienceException e2 = assertThrows(ResilienceException.class, () -> r.transport("smoke-signals"));
        assertTrue(e2.getMessage().contains("found: ") && e2.getMessage().contains("test"), e2.getMessage());
    }

    @Test
    @DisplayName("two providers for one name are an error naming both classes")
    void duplicate() throws Exception {
        Registry r = registryWith(GoodProvider.class.getName(), GoodProvider.Twin.class.getName());
        ResilienceException e = assertThrows(ResilienceException.class, () -> r.transport("test"));
        assertEquals(ErrorCode.DUPLICATE_PROVIDER, e.code());
        assertTrue(e.getMessage().contains(GoodProvider.class.getName() + " ")
                && e.getMessage().contains(GoodProvider.Twin.class.getName()), e.getMessage());
    }

    @Test
    @DisplayName("a provider that fails to load is reported and the others still work")
    void brokenProvider() throws Exception {
        Registry r = registryWith(GoodProvider.Broken.class.getName(), "org.example.Missing", GoodProvider.class.getName());
        assertInstanceOf(GoodProvider.class, r.transport("test"));
        long broken = r.all().stream().filter(ProviderInfo::error).count();
        assertEquals(2, broken, r.all().toString());
    }

    @Test
    @DisplayName("a plugin declares its artifact: listings name it, and a declared provider that fails to load says so")
    void pluginDeclaresItself() throws Exception {
        Path meta = Files.createDirectories(dir.resolve("META-INF/resilient"));
        Files.writeString(meta.resolve("plugin.properties"), "artifact=org.example:ghost-plugin\ntransport=ghost,test\n");
        Registry r = registryWith("org.example.GhostProvider", GoodProvider.class.getName());
        ProviderInfo good = r.all().stream().filter(p -> "test".equals(p.name())).findFirst().orElseThrow();
        assertEquals("org.example:ghost-plugin", good.artifact());
        ResilienceException e = assertThrows(ResilienceException.class, () -> r.transport("ghost"));
        assertEquals(ErrorCode.UNKNOWN_PROVIDER, e.code());
        assertTrue(e.getMessage().contains("org.example:ghost-plugin is on the class path and declares 'ghost'")
                && e.getMessage().contains("failed to load"), e.getMessage());
        ProviderInfo files = Registry.load().all().stream().filter(p -> "files".equals(p.name())).findFirst().orElseThrow();
        assertEquals("org.resilient:resilient-core", files.artifact());
    }

    @Test
    @DisplayName("every provider's settings are listed from its declarations")
    void settingsOfProviders() {
        Registry r = Registry.load();
        ProviderInfo files = r.all().stream().filter(p -> "files".equals(p.name())).findFirst().orElseThrow();
        assertTrue(r.settings(files).stream().anyMatch(s -> s.key().equals("files.source")), r.settings(files).toString());
        assertTrue(r.allSettings().stream().anyMatch(s -> s.key().equals("files.target")));
    }
}

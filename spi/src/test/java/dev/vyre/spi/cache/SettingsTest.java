package dev.vyre.spi.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.VyreArgumentException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the shared cache lives and how it is switched off, from properties and environment. */
class SettingsTest {

    private static CompileCache build(Map<String, String> properties, Map<String, String> environment) {
        return CompileCache.fromSettings(properties::get, environment::get).build();
    }

    @Test
    void theDefaultDirectoryFollowsXdgThenHome() {
        assertEquals(Path.of("/x/cache/vyre/compile"), CompileCache.defaultDirectory("/x/cache", "/home/u"));
        assertEquals(Path.of("/home/u/.cache/vyre/compile"), CompileCache.defaultDirectory(null, "/home/u"));
        assertEquals(Path.of("/home/u/.cache/vyre/compile"), CompileCache.defaultDirectory("relative/dir", "/home/u"),
                "XDG paths must be absolute");
        assertNull(CompileCache.defaultDirectory(null, "?"));
        assertEquals(Path.of("/x/cache/vyre/compile"),
                build(Map.of("user.home", "/home/u"), Map.of("XDG_CACHE_HOME", "/x/cache")).directory().orElseThrow());
    }

    @Test
    void thePropertyWinsOverTheVariableAndNoneMeansMemoryOnly() {
        assertEquals(Path.of("/p"), build(Map.of(CompileCache.DIR_PROPERTY, "/p"), Map.of("VYRE_CACHE_DIR", "/e"))
                .directory().orElseThrow());
        assertEquals(Path.of("/e"), build(Map.of("user.home", "/h"), Map.of("VYRE_CACHE_DIR", "/e"))
                .directory().orElseThrow());
        CompileCache memoryOnly = build(Map.of(CompileCache.DIR_PROPERTY, "none"), Map.of());
        assertTrue(memoryOnly.directory().isEmpty());
        assertTrue(memoryOnly.enabled());
        CompileCache off = build(Map.of("user.home", "/h"), Map.of("VYRE_CACHE", "off"));
        assertFalse(off.enabled());
    }

    @Test
    void sizesTakeBinarySuffixes() {
        assertEquals(512L << 20, CompileCache.bytes("x", "512m"));
        assertEquals(2L << 30, CompileCache.bytes("x", "2G"));
        assertEquals(10 << 10, CompileCache.bytes("x", " 10k "));
        assertEquals(123, CompileCache.bytes("x", "123"));
    }

    @Test
    void malformedSettingsAreRefusedWithAFix() {
        for (Map<String, String> bad : new Map[] {Map.of(CompileCache.MAX_BYTES_PROPERTY, "lots"),
                Map.of(CompileCache.MAX_BYTES_PROPERTY, "-1"), Map.of(CompileCache.MEMORY_BYTES_PROPERTY, "1t"),
                Map.of(CompileCache.MEMORY_ENTRIES_PROPERTY, "9g"), Map.of(CompileCache.ENABLED_PROPERTY, "maybe")}) {
            VyreArgumentException e = assertThrows(VyreArgumentException.class, () -> build(bad, Map.of()), bad::toString);
            assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
        }
    }

    @Test
    void theSharedCacheOfTheBuildIsATemporaryDirectory() {
        // the build points every module's tests at target/ (root pom, surefire): never the user's home
        Path dir = CompileCache.shared().directory().orElseThrow();
        assertFalse(dir.startsWith(Path.of(System.getProperty("user.home"), ".cache")), dir.toString());
    }
}

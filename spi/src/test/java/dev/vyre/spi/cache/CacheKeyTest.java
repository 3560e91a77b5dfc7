package dev.vyre.spi.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.VyreArgumentException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CacheKeyTest {

    static final String FP = CacheKey.sha256("__global__ void k() {}", "--gpu-architecture=sm_90");

    @Test
    void sha256IsLengthPrefixedSha256() throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(new byte[] {2, 0, 0, 0});
        md.update("ab".getBytes(StandardCharsets.UTF_8));
        md.update(new byte[] {1, 0, 0, 0});
        md.update("c".getBytes(StandardCharsets.UTF_8));
        assertEquals(HexFormat.of().formatHex(md.digest()), CacheKey.sha256("ab", "c"));
        assertNotEquals(CacheKey.sha256("ab", "c"), CacheKey.sha256("a", "bc"));
        assertEquals(64, FP.length());
    }

    @Test
    void theIdSeparatesEveryPart() {
        CacheKey cuda = new CacheKey(FP, "cuda", "sm_90", "nvrtc 12.8");
        assertEquals(cuda.id(), new CacheKey(FP, "cuda", "sm_90", "nvrtc 12.8").id());
        assertNotEquals(cuda.id(), new CacheKey(FP, "vulkan", "sm_90", "nvrtc 12.8").id());
        assertNotEquals(cuda.id(), new CacheKey(FP, "cuda", "sm_80", "nvrtc 12.8").id());
        assertNotEquals(cuda.id(), new CacheKey(FP, "cuda", "sm_90", "nvrtc 13.0").id());
        assertNotEquals(cuda.id(), new CacheKey(CacheKey.sha256("other"), "cuda", "sm_90", "nvrtc 12.8").id());
        assertNotEquals(cuda, new CacheKey(FP, "vulkan", "sm_90", "nvrtc 12.8"));
    }

    @Test
    void malformedPartsAreRefusedWithAFix() {
        assertFix(assertThrows(VyreArgumentException.class, () -> new CacheKey("abc", "cuda", "d", "c")), "fingerprint");
        assertFix(assertThrows(VyreArgumentException.class, () -> new CacheKey(FP.toUpperCase(), "cuda", "d", "c")),
                "fingerprint");
        assertFix(assertThrows(VyreArgumentException.class, () -> new CacheKey(FP, "CUDA", "d", "c")), "backend");
        assertFix(assertThrows(VyreArgumentException.class, () -> new CacheKey(FP, "../x", "d", "c")), "backend");
        assertFix(assertThrows(VyreArgumentException.class, () -> new CacheKey(FP, "cuda", " ", "c")), "device");
        assertFix(assertThrows(VyreArgumentException.class, () -> new CacheKey(FP, "cuda", "d", "a\nb")), "compiler");
        assertFix(assertThrows(VyreArgumentException.class, () -> new CacheKey(FP, "cuda", "d", "x".repeat(1025))),
                "compiler");
    }

    private static void assertFix(VyreArgumentException e, String parameter) {
        assertEquals(parameter, e.parameter());
        String m = e.getMessage();
        assertTrue(m.indexOf("Fix: ") > 0 && m.indexOf("Fix: ") == m.lastIndexOf("Fix: "), m);
    }
}

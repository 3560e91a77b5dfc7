package dev.vyre.protocol.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.VyreArgumentException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * BLAKE3 against the official test vectors ({@code blake3-test-vectors.json}: the file
 * {@code test_vectors/test_vectors.json} of github.com/BLAKE3-team/BLAKE3 at commit
 * 77b257eee7da5cd608eaf6be8343d3a4c9776af2, unchanged), hash mode: each input is bytes {@code i % 251};
 * the expected value is 131 bytes of extended output, whose first 32 bytes are the default hash.
 */
class Blake3Test {

    private record Vector(int length, byte[] hash) {
    }

    private static List<Vector> vectors() throws IOException {
        String json;
        try (InputStream in = Blake3Test.class.getResourceAsStream("blake3-test-vectors.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher m = Pattern.compile("\"input_len\":\\s*(\\d+),\\s*\"hash\":\\s*\"([0-9a-f]+)\"").matcher(json);
        List<Vector> out = new ArrayList<>();
        while (m.find()) {
            out.add(new Vector(Integer.parseInt(m.group(1)), HexFormat.of().parseHex(m.group(2))));
        }
        return out;
    }

    private static byte[] input(int length) {
        byte[] in = new byte[length];
        for (int i = 0; i < length; i++) {
            in[i] = (byte) (i % 251);
        }
        return in;
    }

    @Test
    void everyOfficialHashVectorMatchesInDefaultAndExtendedLength() throws IOException {
        List<Vector> vectors = vectors();
        assertEquals(35, vectors.size(), "the committed file has 35 cases");
        for (int expected : new int[] {0, 1, 1023, 1024, 1025, 2048, 2049, 3072, 3073, 4096, 4097, 5120, 5121, 6144,
            6145, 7168, 7169, 8192, 8193, 16384, 31744, 102400}) {
            assertTrue(vectors.stream().anyMatch(v -> v.length == expected), "case " + expected);
        }
        for (Vector v : vectors) {
            byte[] in = input(v.length);
            assertEquals(131, v.hash.length);
            assertArrayEquals(Arrays.copyOf(v.hash, 32), Blake3.hash(in), "hash of " + v.length + " bytes");
            byte[] extended = new byte[v.hash.length];
            Blake3.hash(in, 0, in.length, extended, 0, extended.length);
            assertArrayEquals(v.hash, extended, "extended output of " + v.length + " bytes");
        }
    }

    @Test
    void aRangeOfALargerArrayHashesLikeACopyAndOutputLandsAtItsOffset() {
        byte[] in = input(5000);
        byte[] whole = Blake3.hash(Arrays.copyOfRange(in, 7, 7 + 3073));
        byte[] out = new byte[40];
        Blake3.hash(in, 7, 3073, out, 5, 32);
        assertArrayEquals(whole, Arrays.copyOfRange(out, 5, 37));
        assertEquals(0, out[4]);
        assertEquals(0, out[37]);
        assertThrows(VyreArgumentException.class, () -> Blake3.hash(in, 4990, 11, out, 0, 32));
        assertThrows(VyreArgumentException.class, () -> Blake3.hash(in, 0, 1, out, 9, 32));
    }

    @Test
    void theEvidenceDigestIsTheFirstEightHashBytesLittleEndian() throws IOException {
        Vector empty = vectors().get(0);
        assertEquals(0, empty.length);
        // af1349b9f5f9a1a6... read little-endian
        assertEquals(0xa6a1f9f5b94913afL, ReplayFailureEvidence.digestOf(new byte[0]));
        byte[] image = input(64);
        ReplayFailureEvidence e = ReplayFailureEvidence.fromBackendError(2,
                new BackendException("cuStreamQuery failed with CUDA_ERROR_LAUNCH_FAILED", "x"), image);
        assertEquals(2, e.slotStatus());
        assertEquals(FailureClass.DEVICE_LOSS, e.failureClass());
        assertEquals(FailureClassifier.DISPATCH_FAILED, e.backendErrorCode());
        byte[] hash = Blake3.hash(image);
        long expected = 0;
        for (int i = 7; i >= 0; i--) {
            expected = expected << 8 | (hash[i] & 0xFF);
        }
        assertEquals(expected, e.outputDigest());
        ReplayFailureEvidence none = ReplayFailureEvidence.fromBackendError(0, null, new byte[0]);
        assertEquals(FailureClass.NONE, none.failureClass());
        assertEquals(0, none.backendErrorCode());
        assertEquals(0xa6a1f9f5b94913afL, none.outputDigest());
    }
}

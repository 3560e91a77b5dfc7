package dev.vyre.protocol;

import static dev.vyre.protocol.Bytes.assertError;
import static dev.vyre.protocol.Bytes.seg;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Vectors §C (encode_control) and §F (control decoders). */
class ControlCodecVectorsTest {

    private static final String CAP = "control byte length overflow. Fix: shard observable results or reduce "
            + "observable_slots to the megakernel allocation cap before encoding control";
    private static final String WHOLE = "pass whole u32 protocol words; do not decode partial DMA/readback buffers";
    private static final String MATCHING = "decode only buffers produced by the matching megakernel protocol encoder";

    @ParameterizedTest
    @CsvSource({
        "false, 1, 16, 704, fcdfe88730bcba178aa302083a4e35f64850dac2163e6aa1224e5e4f4c8b216b",
        "true, 4, 8, 672, 1096dca8e35ee8c5242ac0ef8edda10b21c9f3d955878354ba03e3a9f9b603ab",
        "false, 0, 0, 640, 4a212764ce4b952a489642a1066fc26a04c7d80f0c834d60e09b19879ced41a3",
        "true, 0, 0, 640, 256f6d1bd1b1abaf9b8b1d60a810e47b85ed2670986c107a9c7e8f7f51609879",
        "false, 1, 0, 640, deacafa54106dd18cfac1dcb5c9f7c599dc72cbca710e69f01035d5e9d2bfc87",
        "true, 1, 4, 656, 241e10b0ca33c2a8a95cfce78948a10ab75b99932ed6132478655f01458deb91",
        "false, 2, 8, 672, aea6625918e7a102f5cb5ba3bd997cc797d156a8aea6b74ef7d489b225725f14",
        "false, 3, 0, 640, 88bd40de1214abfdb2dfd3a42eb4430136ad055634e58d551e0858ce96a64438",
        "false, 28, 0, 640, d8d09edc2f6f53c00ec534b37b2796bd2e38b692900e15d2d8bec74318b808be",
        "false, 29, 0, 640, 6d78cc63f90b1c483a586b1fa5da6e9a99bae604e9fb37f28297df772c968000",
        "false, 30, 0, 640, a3cd9b7a08f80f009f857e939017b5707a059d2935040c06db37a5aed4a5f329",
        "false, 31, 0, 640, e8282cd57b41e2ababe3ffa00c1a9b6150fe65cc6b03780e3c5654ab2c6ae08e",
        "false, 32, 0, 640, cff53cdc166b9dd656f6a198efe4f2c339d1444070c7543f77d2b990d336617a",
        "false, 33, 0, 640, cff53cdc166b9dd656f6a198efe4f2c339d1444070c7543f77d2b990d336617a",
        "false, 42, 0, 640, cff53cdc166b9dd656f6a198efe4f2c339d1444070c7543f77d2b990d336617a",
        "false, -1, 0, 640, cff53cdc166b9dd656f6a198efe4f2c339d1444070c7543f77d2b990d336617a",
    })
    void encodeControlMatchesHashAndReferenceRule(boolean shutdown, int tenants, int obs, int len, String sha) {
        byte[] b = ControlCodec.encodeControl(shutdown, tenants, obs);
        assertEquals(len, b.length);
        assertEquals(sha, Bytes.sha256(b));
        assertArrayEquals(referenceControl(shutdown, tenants, obs), b);
    }

    /** The reference rule of §C, written independently. */
    static byte[] referenceControl(boolean shutdown, int tenants, int obs) {
        int[] w = new int[160 + obs];
        w[0] = shutdown ? 1 : 0;
        w[2] = 3;
        long tc = Integer.toUnsignedLong(tenants);
        for (long i = 3; i < Math.min(3 + tc, 32); i++) {
            w[(int) i] = 0xFFFFFFFF;
        }
        for (long i = 32; i < Math.min(32 + tc, 64); i++) {
            w[(int) i] = 1_000_000;
        }
        return Bytes.fromWords(w);
    }

    @Test
    void encodeControlAllocationCap() {
        assertEquals(4194944, ControlCodec.encodeControl(false, 1, 1048576).length);
        assertError(ByteLengthOverflowException.class, CAP, () -> ControlCodec.encodeControl(false, 1, 1048577));
        assertError(ByteLengthOverflowException.class, CAP, () -> ControlCodec.encodeControl(false, 1, (int) 4294967135L));
        assertError(ByteLengthOverflowException.class, CAP, () -> ControlCodec.encodeControl(false, 1, -1));
    }

    @Test
    void encodeControlIntoOverwritesDirtyPrefixAndLeavesDstOnError() {
        byte[] dst = new byte[4096];
        Arrays.fill(dst, (byte) 0xAA);
        assertEquals(672, ControlCodec.encodeControlInto(false, 2, 8, dst));
        assertArrayEquals(ControlCodec.encodeControl(false, 2, 8), Arrays.copyOf(dst, 672));
        for (int i = 672; i < dst.length; i++) {
            assertEquals((byte) 0xAA, dst[i], "byte after the encoding changed at " + i);
        }
        byte[] small = new byte[16];
        Arrays.fill(small, (byte) 0x55);
        assertError(ByteLengthOverflowException.class, CAP, () -> ControlCodec.encodeControlInto(false, 1, -1, small));
        byte[] expected = new byte[16];
        Arrays.fill(expected, (byte) 0x55);
        assertArrayEquals(expected, small);
        IllegalArgumentException e = assertError(IllegalArgumentException.class,
                "control destination has 16 bytes but the encoding needs 640. Fix: pass a destination of at least "
                        + "640 bytes (size it with ByteLengths)",
                () -> ControlCodec.encodeControlInto(false, 1, 0, small));
        assertEquals(IllegalArgumentException.class, e.getClass());
        assertArrayEquals(expected, small);
    }

    private static String e1(long w, long n) {
        return "control is missing word " + w + " in " + n + " bytes. Fix: " + MATCHING;
    }

    private static String e2(long n) {
        return "control has " + n + " bytes, not a whole number of u32 words. Fix: " + WHOLE;
    }

    @Test
    void doneCountAndEpochDecoderTable() {
        assertError(MissingWordException.class, e1(1, 0), () -> ControlCodec.tryReadDoneCount(new byte[0]));
        assertEquals(0, ControlCodec.readDoneCount(new byte[0]));
        assertError(MissingWordException.class, e1(128, 0), () -> ControlCodec.tryReadEpoch(new byte[0]));
        assertEquals(0, ControlCodec.readEpoch(new byte[0]));

        assertError(MissingWordException.class, e1(1, 4), () -> ControlCodec.tryReadDoneCount(new byte[4]));
        assertError(MissingWordException.class, e1(128, 4), () -> ControlCodec.tryReadEpoch(new byte[4]));
        assertEquals(0, ControlCodec.readDoneCount(new byte[4]));

        for (int n : new int[] {5, 7}) {
            assertError(MisalignedByteLengthException.class, e2(n), () -> ControlCodec.tryReadDoneCount(new byte[n]));
            assertError(MisalignedByteLengthException.class, e2(n), () -> ControlCodec.tryReadEpoch(new byte[n]));
            assertEquals(0, ControlCodec.readDoneCount(new byte[n]));
            assertEquals(0, ControlCodec.readEpoch(new byte[n]));
        }

        byte[] eight = new byte[8];
        Bytes.setWord(eight, 1, 42);
        assertEquals(42, ControlCodec.tryReadDoneCount(eight));
        assertEquals(42, ControlCodec.readDoneCount(eight));
        assertError(MissingWordException.class, e1(128, 8), () -> ControlCodec.tryReadEpoch(eight));
        assertEquals(0, ControlCodec.readEpoch(eight));

        byte[] nine = Arrays.copyOf(eight, 9);
        assertError(MisalignedByteLengthException.class, e2(9), () -> ControlCodec.tryReadDoneCount(nine));
        assertEquals(0, ControlCodec.readDoneCount(nine), "lenient reader returns 0 for a misaligned buffer");
        assertError(MisalignedByteLengthException.class, e2(9), () -> ControlCodec.tryReadEpoch(nine));

        byte[] control = ControlCodec.encodeControl(false, 1, 0);
        assertEquals(0, ControlCodec.tryReadDoneCount(control));
        assertEquals(0, ControlCodec.tryReadEpoch(control));

        byte[] b516 = new byte[516];
        Bytes.setWord(b516, 128, 7);
        assertEquals(7, ControlCodec.tryReadEpoch(b516));
        assertEquals(7, ControlCodec.readEpoch(b516));
        assertError(MissingWordException.class, e1(128, 512), () -> ControlCodec.tryReadEpoch(new byte[512]));
        assertError(MisalignedByteLengthException.class, e2(517), () -> ControlCodec.tryReadEpoch(new byte[517]));
        assertEquals(0, ControlCodec.readEpoch(new byte[517]));
    }

    @Test
    void u32MaxCountersDecodeAndDoNotAlias() {
        byte[] c = ControlCodec.encodeControl(false, 0, 0);
        Bytes.setWord(c, 1, 0xFFFFFFFF);
        Bytes.setWord(c, 128, 0xFFFFFFFF);
        assertEquals(4294967295L, Integer.toUnsignedLong(ControlCodec.tryReadDoneCount(c)));
        assertEquals(0xFFFFFFFF, ControlCodec.readEpoch(c));
        Bytes.setWord(c, 1, 0x11111111);
        Bytes.setWord(c, 128, 0x22222222);
        assertEquals(0x11111111, ControlCodec.readDoneCount(c));
        assertEquals(0x22222222, ControlCodec.tryReadEpoch(c));
    }

    @Test
    void observableVectors() {
        byte[] control = ControlCodec.encodeControl(false, 1, 0);
        assertError(MissingWordException.class, e1(160, 640), () -> ControlCodec.tryReadObservable(control, 0));
        assertEquals(0, ControlCodec.readObservable(control, 0));

        byte[] two = ControlCodec.encodeControl(false, 0, 2);
        assertEquals(0, ControlCodec.tryReadObservable(two, 1));
        assertError(MissingWordException.class, e1(162, 648), () -> ControlCodec.tryReadObservable(two, 2));

        assertError(MissingWordException.class, e1(4294967295L, 640),
                () -> ControlCodec.tryReadObservable(control, (int) 4294967135L));
        assertError(ByteLengthOverflowException.class, "control byte length overflow. Fix: observable index "
                        + "overflows the protocol word offset; shard observable reads",
                () -> ControlCodec.tryReadObservable(control, (int) 4294967136L));
        assertError(ByteLengthOverflowException.class, "control byte length overflow. Fix: observable index "
                        + "overflows the protocol word offset; shard observable reads",
                () -> ControlCodec.tryReadObservable(new byte[5], -1));
        assertEquals(0, ControlCodec.readObservable(control, -1));

        byte[] b649 = new byte[649];
        assertError(MisalignedByteLengthException.class, e2(649), () -> ControlCodec.tryReadObservable(b649, 0));
        assertEquals(0, ControlCodec.readObservable(b649, 0));

        byte[] four = ControlCodec.encodeControl(false, 0, 4);
        Bytes.setWord(four, 160, 0x11111111);
        Bytes.setWord(four, 161, 0x22222222);
        Bytes.setWord(four, 163, 0x44444444);
        assertEquals(0x11111111, ControlCodec.readObservable(four, 0));
        assertEquals(0x22222222, ControlCodec.readObservable(four, 1));
        assertEquals(0, ControlCodec.readObservable(four, 2));
        assertEquals(0x44444444, ControlCodec.readObservable(four, 3));

        byte[] b644 = new byte[644];
        Bytes.setWord(b644, 160, 0xCAFEBABE);
        assertEquals(0xCAFEBABE, ControlCodec.tryReadObservable(b644, 0));
        assertEquals(0xCAFEBABE, ControlCodec.readObservable(seg(b644), 0));
    }
}

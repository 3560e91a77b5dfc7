package dev.vyre.protocol;

import static dev.vyre.protocol.Bytes.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Vectors §G (metrics). */
class MetricsVectorsTest {

    private static String e3(long w, long n) {
        return "control is missing word " + w + " in " + n
                + " bytes. Fix: decode only control buffers produced by the matching megakernel protocol encoder";
    }

    private static List<MetricCount> list(int... pairs) {
        List<MetricCount> out = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.add(new MetricCount(pairs[i], pairs[i + 1]));
        }
        return out;
    }

    private static List<MetricCount> viaInto(byte[] control, boolean strict) {
        long[] out = new long[32];
        int n = strict ? MetricsCodec.tryReadMetricsInto(control, out) : MetricsCodec.readMetricsInto(control, out);
        List<MetricCount> res = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            res.add(new MetricCount(MetricsCodec.opcodeOf(out[i]), MetricsCodec.countOf(out[i])));
        }
        return res;
    }

    @Test
    void metricsTable() {
        byte[] b512 = new byte[512];
        Bytes.setWord(b512, 101, 42);
        assertEquals(list(5, 42), MetricsCodec.tryReadMetrics(b512));
        assertEquals(list(5, 42), MetricsCodec.readMetrics(b512));
        assertEquals(list(5, 42), viaInto(b512, true));
        assertEquals(list(5, 42), viaInto(b512, false));

        assertError(MissingWordException.class, e3(96, 384), () -> MetricsCodec.tryReadMetrics(new byte[384]));
        assertEquals(List.of(), MetricsCodec.readMetrics(new byte[384]));
        assertError(MissingWordException.class, e3(97, 388), () -> MetricsCodec.tryReadMetrics(new byte[388]));
        assertError(MissingWordException.class, e3(127, 508), () -> MetricsCodec.tryReadMetrics(new byte[508]));
        assertError(MissingWordException.class, e3(96, 0), () -> MetricsCodec.tryReadMetricsInto(new byte[0], new long[32]));

        byte[] b513 = java.util.Arrays.copyOf(b512, 513);
        assertError(MisalignedByteLengthException.class, "control has 513 bytes, not a whole number of u32 words. "
                + "Fix: pass whole u32 protocol words; do not decode partial DMA/readback buffers",
                () -> MetricsCodec.tryReadMetrics(b513));
        assertEquals(list(5, 42), MetricsCodec.readMetrics(b513), "lenient ignores misalignment");

        byte[] b404 = new byte[404];
        for (int i = 0; i < 5; i++) {
            Bytes.setWord(b404, 96 + i, i + 1);
        }
        List<MetricCount> five = list(0, 1, 1, 2, 2, 3, 3, 4, 4, 5);
        assertEquals(five, MetricsCodec.readMetrics(b404));
        assertEquals(five, viaInto(b404, false));
        assertEquals(five, MetricsCodec.readMetrics(java.util.Arrays.copyOf(b404, 407)));
        byte[] b408 = java.util.Arrays.copyOf(b404, 408);
        Bytes.setWord(b408, 101, 9);
        assertEquals(list(0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 9), MetricsCodec.readMetrics(b408));
        assertEquals(List.of(), MetricsCodec.readMetrics(new byte[0]));
        assertEquals(0, MetricsCodec.readMetricsInto(new byte[0], new long[0]));

        byte[] control = ControlCodec.encodeControl(false, 1, 0);
        Bytes.setWord(control, 96, 9);
        Bytes.setWord(control, 127, 0xFFFFFFFF);
        Bytes.setWord(control, 128, 77);
        assertEquals(list(0, 9, 31, 0xFFFFFFFF), MetricsCodec.tryReadMetrics(control));
        assertEquals(list(0, 9, 31, 0xFFFFFFFF), MetricsCodec.readMetrics(control));
        assertEquals(4294967295L, MetricsCodec.readMetrics(control).get(1).unsignedCount());

        byte[] all = new byte[512];
        for (int i = 0; i < 32; i++) {
            Bytes.setWord(all, 96 + i, 0xFFFFFFFF);
        }
        List<MetricCount> full = MetricsCodec.tryReadMetrics(all);
        assertEquals(32, full.size());
        for (int i = 0; i < 32; i++) {
            assertEquals(new MetricCount(i, 0xFFFFFFFF), full.get(i));
        }
        assertEquals(full, viaInto(all, true));
        assertEquals(List.of(), MetricsCodec.tryReadMetrics(new byte[512]));
    }

    @Test
    void intoRefusesTooSmallOutputAndPacksEntries() {
        byte[] b = new byte[512];
        Bytes.setWord(b, 98, 4);
        Bytes.setWord(b, 99, 5);
        assertError(IllegalArgumentException.class,
                "output array holds 1 metric entries but 2 were decoded. Fix: pass an output array with room for 2 "
                        + "metric entries",
                () -> MetricsCodec.readMetricsInto(b, new long[1]));
        long[] out = new long[2];
        assertEquals(2, MetricsCodec.readMetricsInto(b, out));
        assertEquals((2L << 32) | 4, out[0]);
        assertEquals(new MetricCount(3, 5).packed(), out[1]);
    }
}

package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Session;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.SyscallException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read errors of a real block device (a loop device whose backing file is truncated under it, see
 * {@link LoopDevice}): every range that fails is reported with its offset and errno, every other byte is
 * delivered and its chunk verified against the bytes the device was made of, and the chunks after a bad
 * range are still read.
 */
class BlockDeviceFaultsTest {

    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @BeforeAll
    static void available() {
        UringSupport.assumeAvailable();
        LoopDevice.assumeAvailable();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private record Outcome(FileReport report, List<ChunkReport> chunks, List<ChunkFailure> failures) {
    }

    private static Outcome ingest(LoopDevice loop, boolean direct) {
        List<ChunkReport> chunks = Collections.synchronizedList(new ArrayList<>());
        List<ChunkFailure> heard = new ArrayList<>();
        IngestListener listener = new IngestListener() {
            @Override
            public void onChunk(ChunkReport chunk) {
                chunks.add(chunk);
            }

            @Override
            public void onFailure(ChunkFailure failure) {
                heard.add(failure);
            }
        };
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 4, 4L * MIB, 1);
             FileIngestPump pump = new FileIngestPump(s, IngestOptions.builder().chunkBytes(MIB).queueDepth(4)
                     .directIo(direct).build(), listener)) {
            FileReport report = pump.ingest(loop.device);
            assertEquals(report.failures(), heard, "the listener hears each failure the report lists");
            assertEquals(report.failedChunks(), pump.telemetry().readErrors(), "each failed read is counted once");
            return new Outcome(report, chunks, heard);
        }
    }

    /**
     * Asserts that the delivered chunks and the failed ranges tile the device exactly, every delivered chunk
     * verified and equal (CRC-32C) to the device's original bytes, and that the failed ranges are {@code bad}
     * (pairs of offset, length).
     */
    private static void assertTiled(LoopDevice loop, Outcome o, long... bad) {
        TreeMap<Long, Long> covered = new TreeMap<>();
        for (ChunkReport c : o.chunks()) {
            assertTrue(c.verified(), "chunk " + c);
            CRC32C crc = new CRC32C();
            crc.update(loop.contents, (int) c.sourceOffset(), c.length());
            assertEquals((int) crc.getValue(), c.deviceCrc(), "chunk at " + c.sourceOffset() + " vs the device's bytes");
            assertEquals(null, covered.put(c.sourceOffset(), (long) c.length()), "delivered twice: " + c);
        }
        List<Long> failed = new ArrayList<>();
        for (ChunkFailure f : o.failures()) {
            assertEquals(loop.device.toString(), f.source());
            SyscallException e = assertInstanceOf(SyscallException.class, f.error());
            assertEquals(5, e.errno(), e.getMessage());
            String message = e.getMessage();
            assertTrue(message.contains(" bytes " + f.sourceOffset() + ".." + (f.sourceOffset() + f.length() - 1)
                    + " (chunk " + f.sequence() + ") failed: EIO") && message.indexOf("Fix:") == message.lastIndexOf("Fix:")
                    && message.contains("Fix: "), message);
            failed.add(f.sourceOffset());
            failed.add(f.length());
            assertEquals(null, covered.put(f.sourceOffset(), f.length()), "failed twice or also delivered: " + f);
        }
        List<Long> expected = new ArrayList<>();
        for (long v : bad) {
            expected.add(v);
        }
        List<Long> sortedFailed = sortedPairs(failed);
        assertEquals(expected, sortedFailed, "the failed ranges (offset, length)");
        long at = 0;
        for (var e : covered.entrySet()) {
            assertEquals(at, (long) e.getKey(), "nothing is dropped: a gap or overlap before byte " + e.getKey());
            at += e.getValue();
        }
        assertEquals(loop.contents.length, at, "delivered + failed = the whole device");
        FileReport r = o.report();
        assertFalse(r.ok());
        assertEquals(loop.contents.length, r.size(), "a block device's size is its capacity");
        assertEquals(bad.length / 2, r.failedChunks());
        long delivered = 0;
        for (ChunkReport c : o.chunks()) {
            delivered += c.length();
        }
        assertEquals(delivered, r.bytes());
        assertEquals(r.chunks(), r.verified());
        String summary = r.error().getMessage();
        assertTrue(summary.contains(r.failedChunks() + (r.failedChunks() == 1 ? " chunk" : " chunks") + " of "
                + loop.device) && summary.contains("the first at byte " + bad[0] + " (EIO)")
                && summary.contains("Fix: check the device (dmesg)"), summary);
    }

    private static List<Long> sortedPairs(List<Long> pairs) {
        List<long[]> p = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i += 2) {
            p.add(new long[] {pairs.get(i), pairs.get(i + 1)});
        }
        p.sort((a, b) -> Long.compare(a[0], b[0]));
        List<Long> out = new ArrayList<>();
        for (long[] x : p) {
            out.add(x[0]);
            out.add(x[1]);
        }
        return out;
    }

    /**
     * Bad sectors in the middle of the device (read through its page cache, as --no-direct does): the chunk
     * whose second half is bad delivers its first half, the bad chunk after it fails alone, and the three
     * chunks after the bad range are still read and verified.
     */
    @Test
    void badRangeInTheMiddleFailsAloneAndTheRestIsDelivered() throws Throwable {
        try (LoopDevice loop = LoopDevice.attach(dir, random(8 * MIB, 41))) {
            loop.failUncachedBeyond(0, 3L * MIB + MIB / 2, MIB + MIB / 2);
            Outcome o = ingest(loop, false);
            assertTiled(loop, o, 3L * MIB + MIB / 2, MIB / 2, 4L * MIB, MIB);
        }
    }

    /**
     * The device's end cannot be read (O_DIRECT reads straight from the device): every chunk past the
     * backing file's end fails with its own offset, the chunks before it are delivered.
     */
    @Test
    void unreadableEndFailsEveryChunkThereWithItsOffset() throws Throwable {
        try (LoopDevice loop = LoopDevice.attach(dir, random(8 * MIB, 42))) {
            loop.failUncachedBeyond(5L * MIB, 0, 8L * MIB);
            Outcome o = ingest(loop, true);
            assertTrue(o.report().directIo());
            assertTiled(loop, o, 5L * MIB, MIB, 6L * MIB, MIB, 7L * MIB, MIB);
        }
    }
}

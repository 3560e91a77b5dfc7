package dev.vyre.cli;

import dev.vyre.api.Session;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * {@code vyre scan --resident SIZE}: scanning from a resident data buffer, no IO. The data buffer holds
 * {@code SIZE} bytes of {@link ScanText}; each pass publishes one scan slot per chunk (all at once, with
 * {@code publishSlots}) and waits until every one is DONE; its time is the pass's time. Chunks overlap
 * in place by the longest pattern minus 1 (rounded up to 4 bytes, so every chunk starts on a word).
 * The CPU peer then scans the same bytes, and the device's counters must equal the peer's counts times
 * the passes exactly.
 */
final class ScanResident {

    private static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** A pass fails when no slot finished for this long. */
    private static final long STALL_NANOS = 30_000_000_000L;

    /** Where the chunks of {@code size} resident bytes lie. */
    record Chunks(long size, int chunk, int carry, int count) {
        static Chunks of(long size, int chunk, int longest) {
            int carry = (Math.max(0, longest - 1) + 3) & ~3;
            return new Chunks(size, chunk, carry, (int) ((size + chunk - 1) / chunk));
        }

        /** @return the longest slot: overlap plus chunk */
        int maxLength() {
            return carry + chunk;
        }
    }

    private ScanResident() {
    }

    /** @return the slot images of one pass: one scan slot per chunk, chunk {@code i} in slot {@code i} */
    static MemorySegment images(Arena arena, Chunks c) {
        MemorySegment images = arena.allocate((long) c.count() * SlotLayout.SLOT_BYTES, 64);
        for (int i = 0; i < c.count(); i++) {
            long first = (long) i * c.chunk();
            int carry = (int) Math.min(c.carry(), first);
            int fresh = (int) Math.min(c.chunk(), c.size() - first);
            long at = (long) i * SlotLayout.SLOT_BYTES;
            images.set(WORD, at, SlotStatus.PUBLISHED);
            images.set(WORD, at + 4L * SlotLayout.OPCODE_WORD, ScanProgram.OPCODE);
            images.set(WORD, at + 4L * SlotLayout.TENANT_WORD, 0);
            images.set(WORD, at + 4L * SlotLayout.PRIORITY_WORD, Priority.NORMAL);
            long arg = at + 4L * SlotLayout.ARG0_WORD;
            images.set(WORD, arg, (int) (first - carry));
            images.set(WORD, arg + 4, carry + fresh);
            images.set(WORD, arg + 8, i);
            images.set(WORD, arg + 20, carry);
        }
        return images;
    }

    /**
     * Writes the text into the data buffer, runs the passes and the peer, prints them. The text is made in
     * host memory and copied in: the peer reads that copy, since a data buffer may be device memory that
     * the host reads slowly across the bus (Vulkan's DEVICE_LOCAL | HOST_VISIBLE placement).
     *
     * @return the exit status
     */
    static int run(Session s, ScanTable table, ScanPatterns patterns, Chunks c, long seed, int passes, int peerThreads,
                   int top, PrintWriter out) {
        try (Arena host = Arena.ofShared()) {
            MemorySegment text = host.allocate(c.size(), 4096);
            ScanText.fill(text, c.size(), patterns, seed);
            MemorySegment.copy(text, 0, s.dataBuffer(), 0, c.size());
            return run(s, table, patterns, c, text, passes, peerThreads, top, out);
        }
    }

    private static int run(Session s, ScanTable table, ScanPatterns patterns, Chunks c, MemorySegment text, int passes,
                           int peerThreads, int top, PrintWriter out) {
        long[] nanos = new long[passes];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment images = images(arena, c);
            for (int p = 0; p < passes; p++) {
                nanos[p] = pass(s, images, c.count());
                out.printf("  pass %d: %s%n", p + 1, ScanReport.rate(c.size(), nanos[p]));
                out.flush();
            }
        }
        byte[] control = s.controlSnapshot();
        MemorySegment words = MemorySegment.ofArray(control);
        long entries = 0;
        int refused = 0;
        for (int i = 0; i < c.count(); i++) {
            int w = words.get(WORD, 4L * (ControlLayout.OBSERVABLE_BASE + i));
            if (w == ScanProgram.REFUSED) {
                refused++;
            } else {
                entries += Integer.toUnsignedLong(w);
            }
        }
        if (refused > 0) {
            throw new CliFailure("the scan opcode refused " + refused + " of " + c.count() + " chunks",
                    "report this: every resident chunk is word-aligned and within the table's length limit");
        }
        long[] hits = table.hits(control);
        ScanAutomaton a = table.automaton();
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        out.printf("  device: best %s, median %s over %d passes (from the resident data buffer, no IO)%n",
                Formats.byteRate(c.size(), sorted[0] / 1e9), Formats.byteRate(c.size(), sorted[passes / 2] / 1e9), passes);
        out.flush();
        ScanPeer.Result peer = ScanPeer.scan(a, List.of(text), peerThreads);
        out.printf("  CPU peer (Java, %s, same DFA): %s%n", ScanReport.threads(peer.threads()),
                ScanReport.rate(peer.bytes(), peer.nanos()));
        long perPass = ScanReport.sum(peer.hits());
        for (int o = 0; o < hits.length; o++) {
            if (hits[o] != peer.hits()[o] * passes) {
                throw new CliFailure("the device counted " + hits[o] + " entries of output state " + o + " over "
                        + passes + " passes, the CPU peer " + peer.hits()[o] + " per pass",
                        "report this with the backend, the patterns and the seed: device and peer must agree");
            }
        }
        if (entries != perPass) {
            throw new CliFailure("the chunks' result words add up to " + entries + " entries, the counters to "
                    + perPass + " per pass", "report this with the backend, the patterns and the seed");
        }
        ScanReport.counts(out, patterns, a.patternCounts(peer.hits()), top);
        out.printf("  device and CPU peer agree: %s entries per pass, every output state equal%n",
                Formats.count(perPass));
        out.flush();
        return 0;
    }

    /** One pass: publish every chunk's slot, wait until all are DONE. @return its nanoseconds */
    private static long pass(Session s, MemorySegment images, int count) {
        long target = s.doneCount() + count;
        long start = System.nanoTime();
        int published = 0;
        while (published < count) {
            int n = s.publishSlots(published, images.asSlice((long) published * SlotLayout.SLOT_BYTES), count - published);
            published += n;
            if (n == 0) {
                int status = s.slotStatus(published);
                if (status == SlotStatus.FAULT) {
                    throw new CliFailure("scan slot " + published + " ended in FAULT", "run `vyre conform` on this"
                            + " backend; the scan opcode itself never faults");
                }
                if (System.nanoTime() - start > STALL_NANOS) {
                    throw new CliFailure("scan slot " + published + " stayed " + SlotStatus.name(status) + " for "
                            + STALL_NANOS / 1_000_000_000L + " s", "check `vyre backends`: the interpreter is stuck");
                }
                Thread.onSpinWait();
            }
        }
        long seen = s.doneCount();
        long progressAt = System.nanoTime();
        while (!s.awaitDoneCount(target, Duration.ofMillis(200))) {
            long now = s.doneCount();
            if (now != seen) {
                seen = now;
                progressAt = System.nanoTime();
            } else if (System.nanoTime() - progressAt > STALL_NANOS) {
                throw new CliFailure("no scan slot finished for " + STALL_NANOS / 1_000_000_000L + " s ("
                        + (count - (target - now)) + " of " + count + " chunks done)",
                        "check `vyre backends`; a smaller --resident or --chunk finishes sooner on a slow backend");
            }
        }
        return System.nanoTime() - start;
    }
}

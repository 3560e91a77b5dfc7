package dev.vyre.conformance;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.VyreArgumentException;
import dev.vyre.protocol.Words;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * {@code Session.publishSlots}: runs of whole slot images land in the ring verbatim (every
 * word, not only the three-argument form), each runs exactly once, a run stops at the first busy slot
 * and returns how far it got, and a malformed image is refused before anything is written.
 */
final class RunCases {

    private static final int RING = 256;
    private static final int WAVES = 40;
    private static final int RUN = 48;
    /** A system opcode that is not a built-in: no host may publish it. */
    private static final int NOT_PUBLISHABLE = 0x8000_0002;

    private RunCases() {
    }

    static List<ConformanceCase> all() {
        return List.of(
                ConformanceCase.persistent("run/publish_slots_waves",
                        WAVES + " waves over a " + RING + "-slot ring in runs of " + RUN + " (split at the ring's"
                                + " end): images land verbatim (priority and unused argument words included),"
                                + " every slot runs exactly once",
                        RunCases::waves),
                ConformanceCase.persistent("run/publish_slots_stops_at_busy",
                        "a run over a CLAIMED slot publishes the slots before it and returns their count; a"
                                + " malformed image (status or opcode) is refused with nothing written",
                        RunCases::stopsAtBusy));
    }

    /** The image slot {@code slot} carries in wave {@code w}: ATOMIC_ADD w+1 to word 160+slot, odd extras. */
    private static int[] image(int slot, int w) {
        int[] words = Wire.slotWords(SlotStatus.PUBLISHED, Opcodes.ATOMIC_ADD, 0, w + 1, 160 + slot, 0);
        words[SlotLayout.PRIORITY_WORD] = (slot + w) & 3;
        words[SlotLayout.ARG0_WORD + 3 + (slot % 9)] = 0x5EED_0000 | (w << 8) | (slot & 0xFF);
        return words;
    }

    private static void put(MemorySegment images, int index, int[] words) {
        MemorySegment.copy(words, 0, images, Words.WORD_UNALIGNED, (long) index * SlotLayout.SLOT_BYTES, SlotLayout.SLOT_WORDS);
    }

    private static List<Snapshot> waves(Vyre vyre) {
        SessionOptions options = SessionOptions.builder().slotCount(RING).observableSlots(RING).build();
        try (Session s = vyre.openSession(options); Arena arena = Arena.ofConfined()) {
            Golden g = Golden.from(Buffers.of(s));
            MemorySegment images = arena.allocate((long) RUN * SlotLayout.SLOT_BYTES, 64);
            for (int w = 0; w < WAVES; w++) {
                int slot = 0;
                while (slot < RING) {
                    int n = Math.min(RUN, RING - slot);
                    for (int i = 0; i < n; i++) {
                        put(images, i, image(slot + i, w));
                    }
                    int k = 0;
                    while (k < n) {
                        int published = s.publishSlots(slot + k, images.asSlice((long) k * SlotLayout.SLOT_BYTES),
                                n - k);
                        if (published < 0 || published > n - k) {
                            throw new ConformanceFailure("publishSlots returned " + published + " for a run of "
                                    + (n - k));
                        }
                        k += published;
                        if (k < n) {
                            Sessions.await(s, slot + k, SlotStatus.DONE);
                        }
                    }
                    slot += n;
                }
            }
            long total = (long) RING * WAVES;
            if (!s.awaitDoneCount(total, Sessions.WAIT)) {
                throw new ConformanceFailure("DONE_COUNT reached " + s.doneCount() + " of " + total);
            }
            for (int slot = 0; slot < RING; slot++) {
                Sessions.await(s, slot, SlotStatus.DONE);
            }
            Buffers after = Sessions.stop(s);
            int sum = WAVES * (WAVES + 1) / 2;
            for (int slot = 0; slot < RING; slot++) {
                g.slot(slot, image(slot, WAVES - 1)).status(slot, SlotStatus.DONE).control(160 + slot, sum);
            }
            g.controlAdd(1, (int) total).controlAdd(98, (int) total).control(0, 1);
            g.verify("after shutdown", after);
            return List.of(Snapshot.exact("after shutdown", after));
        }
    }

    private static List<Snapshot> stopsAtBusy(Vyre vyre) {
        SessionOptions options = SessionOptions.builder().slotCount(16).observableSlots(16).build();
        try (Session s = vyre.openSession(options); Arena arena = Arena.ofConfined()) {
            Golden g = Golden.from(Buffers.of(s));
            int[] claimed = Wire.slotWords(SlotStatus.CLAIMED, Opcodes.STORE_U32, 0, 0xBAD, 170, 0);
            s.writeRawSlot(5, claimed);
            g.slot(5, claimed);
            MemorySegment images = arena.allocate(10L * SlotLayout.SLOT_BYTES, 64);
            for (int i = 0; i < 10; i++) {
                put(images, i, image(i, 0));
            }
            int published = s.publishSlots(0, images, 10);
            if (published != 5) {
                throw new ConformanceFailure("a run of 10 over CLAIMED slot 5 published " + published
                        + " slots; expected 5 (slots 0..4)");
            }
            for (int slot = 0; slot < 5; slot++) {
                Sessions.await(s, slot, SlotStatus.DONE);
                g.slot(slot, image(slot, 0)).status(slot, SlotStatus.DONE).control(160 + slot, 1);
            }
            g.controlAdd(1, 5).controlAdd(98, 5);
            Buffers before = Buffers.of(s);
            g.verify("after the run", before, java.util.EnumSet.of(BufferKind.RING, BufferKind.CONTROL));

            int[] badStatus = image(6, 1);
            badStatus[SlotLayout.STATUS_WORD] = SlotStatus.EMPTY;
            int[] badOpcode = image(7, 1);
            badOpcode[SlotLayout.OPCODE_WORD] = NOT_PUBLISHABLE;
            for (int[] bad : new int[][] {badStatus, badOpcode}) {
                put(images, 0, image(0, 1));
                put(images, 1, bad);
                try {
                    s.publishSlots(0, images, 2);
                    throw new ConformanceFailure("publishSlots accepted an image with status "
                            + bad[SlotLayout.STATUS_WORD] + " and opcode 0x" + Integer.toHexString(bad[1]));
                } catch (VyreArgumentException expected) {
                    if (!expected.getMessage().contains("Fix: ")) {
                        throw new ConformanceFailure("the refusal has no Fix: " + expected.getMessage());
                    }
                }
                byte[] ring = s.ringSnapshot();
                if (!Arrays.equals(ring, before.ring())) {
                    throw new ConformanceFailure("a refused run changed the ring");
                }
            }
            try {
                s.publishSlots(10, images, 7);
                throw new ConformanceFailure("publishSlots accepted a run past the ring's end (10 + 7 > 16)");
            } catch (VyreArgumentException expected) {
                // nothing written, checked with the final snapshot
            }
            Buffers after = Sessions.stop(s);
            g.control(0, 1);
            g.verify("after shutdown", after);
            return List.of(Snapshot.exact("after shutdown", after));
        }
    }
}

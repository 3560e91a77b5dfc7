package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Slots;
import dev.vyre.api.Vyre;
import dev.vyre.conformance.Wire;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotImages;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.Words;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The demo's model and its stream on the reference backend. */
class DemoWorkloadTest {

    @Test
    void thePackedPayloadIsTheProtocolsEncoding() {
        int[] args = new int[SlotLayout.ARGS_PER_SLOT];
        DemoWorkload.packedPayload(17, 400, 3, 401, args);
        int[] expected = Wire.packedPayload(new int[] {Opcodes.STORE_U32, 17, 400}, new int[] {Opcodes.ATOMIC_ADD, 3, 401});
        assertArrayEquals(expected, args);
        assertEquals(0, Arrays.stream(expected).skip(DemoWorkload.PACKED_ARGS).filter(w -> w != 0).count());
    }

    @Test
    void everyEncodedImageIsPublishableAndEveryKindOccurs() {
        DemoWorkload model = new DemoWorkload(DemoWorkload.KINDS);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment images = arena.allocate((long) DemoWorkload.KINDS * Slots.BYTES, 64);
            boolean[] seen = new boolean[DemoWorkload.KINDS];
            for (int s = 0; s < DemoWorkload.KINDS; s++) {
                int opcode = model.encode(images, s, 0, s);
                assertEquals(opcode, Words.get(images, (long) s * SlotLayout.SLOT_WORDS + SlotLayout.OPCODE_WORD));
                seen[s % DemoWorkload.KINDS] = true;
            }
            SlotImages.check(DemoWorkload.KINDS, 0, images, DemoWorkload.KINDS);
            assertEquals(DemoWorkload.KINDS, model.executed);
            assertTrue(model.printfs == 1 && model.epoch == 1);
        }
    }

    @Test
    void theStreamVerifiesAndAWrongWordIsCaught() {
        DemoWorkload model = new DemoWorkload(100);
        try (Vyre vyre = Vyre.open("reference");
             Session session = vyre.openSession(SessionOptions.builder().slotCount(100)
                     .observableSlots(model.observable).workers(1).build())) {
            DemoStream stream = new DemoStream(session, model, new LatencyHistogram());
            assertEquals(2, stream.segments());
            DemoStream.Result r = stream.run(50_000_000L, n -> { });
            assertNull(r.failure(), r.failure());
            assertEquals(model.executed, r.slots());
            assertEquals(r.waves() * 100, r.slots());
            assertTrue(r.waves() >= 1);
            byte[] control = session.controlSnapshot();
            assertNull(model.verify(control));
            byte[] wrongSlot = control.clone();
            Wire.setWord(wrongSlot, model.privateWord(42, 1), Wire.word(control, model.privateWord(42, 1)) + 1);
            assertNotNull(model.verifySlots(wrongSlot, 0, 100));
            assertNull(model.verifySlots(wrongSlot, 0, 42));
            byte[] wrongCount = control.clone();
            Wire.setWord(wrongCount, ControlLayout.DONE_COUNT, Wire.word(control, ControlLayout.DONE_COUNT) - 1);
            assertNotNull(model.verifyCounters(wrongCount));
        }
    }
}

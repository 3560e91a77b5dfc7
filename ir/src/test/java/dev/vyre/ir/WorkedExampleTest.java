package dev.vyre.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * docs/IR.md's worked example: opcodes written once in the IR, registered as ordinary custom opcodes and
 * run through a session on the reference backend, next to the built-in CRC32C opcode.
 */
class WorkedExampleTest {

    static final int COUNT_BYTE = 0x2001;
    static final int IR_CRC32C = 0x2002;

    @Test
    void irOpcodesRunThroughASessionOnTheReferenceBackend() {
        byte[] bytes = new byte[8192];
        new Random(3).nextBytes(bytes);
        SessionOptions options = SessionOptions.builder().slotCount(8).observableSlots(16).dataBufferBytes(bytes.length)
                .opcodes(CustomOpcodes.of(IrOpcodes.irOpcode(COUNT_BYTE, Samples.countByte()),
                        IrOpcodes.irOpcode(IR_CRC32C, Samples.crc32c(4096))))
                .build();
        try (Vyre vyre = Vyre.open("reference"); Session s = vyre.openSession(options)) {
            MemorySegment data = s.dataBuffer();
            MemorySegment.copy(bytes, 0, data, ValueLayout.JAVA_BYTE, 0, bytes.length);
            s.publish(0, 0, COUNT_BYTE, new int[] {1000, 4000, 'a', 0}, 4);
            s.publish(1, 0, COUNT_BYTE, new int[] {8000, 4000, 'a', 0}, 4);   // clamped at the end of the data
            s.publish(2, 0, IR_CRC32C, 100, 3000, 1);
            s.publish(3, 0, Opcodes.CRC32C, 100, 3000, 2);
            for (int slot = 0; slot < 4; slot++) {
                assertTrue(s.awaitSlotStatus(slot, SlotStatus.DONE, Duration.ofSeconds(10)), "slot " + slot + " done");
            }
            int expected = 0;
            for (int i = 1000; i < 5000; i++) {
                expected += bytes[i] == 'a' ? 1 : 0;
            }
            for (int i = 8000; i < 8192; i++) {
                expected += bytes[i] == 'a' ? 1 : 0;
            }
            assertEquals(expected, s.controlWord(160));
            CRC32C crc = new CRC32C();
            crc.update(bytes, 100, 3000);
            assertEquals((int) crc.getValue(), s.controlWord(161), "the IR CRC32C");
            assertEquals(s.controlWord(162), s.controlWord(161), "equals the built-in CRC32C opcode");
        }
    }

    @Test
    void theOpcodeCarriesABodyForEveryBackend() {
        CustomOpcode op = IrOpcodes.irOpcode(COUNT_BYTE, Samples.countByte());
        assertEquals(java.util.Set.of("java", "cuda-c", "glsl", "opencl-c", "vyre-ir"), op.dialects());
    }
}

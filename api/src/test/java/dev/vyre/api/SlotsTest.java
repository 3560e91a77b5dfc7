package dev.vyre.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.PackedOp;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.RingPublisher;
import dev.vyre.protocol.SlotImages;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.VyreArgumentException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Slots#encode}: the slot images {@link Session#publishSlots} takes, byte for byte. */
class SlotsTest {

    private static int[] words(MemorySegment images, int index) {
        return images.asSlice((long) index * Slots.BYTES, Slots.BYTES).toArray(ValueLayout.JAVA_INT_UNALIGNED
                .withOrder(java.nio.ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void theArrayFormWritesStatusHeaderTheGivenArgumentsAndZeros() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment images = arena.allocate(3L * Slots.BYTES, 64);
            images.fill((byte) 0x5A); // stale bytes of an earlier image must not survive
            int[] args = {11, 22, 33, 44, 55, 66, 77};
            Slots.encode(images, 1, 9, 0x8123, args, 5);
            int[] expected = new int[16];
            expected[0] = SlotStatus.PUBLISHED;
            expected[1] = 0x8123;
            expected[2] = 9;
            expected[3] = Priority.NORMAL;
            System.arraycopy(args, 0, expected, 4, 5);
            assertArrayEquals(expected, words(images, 1));
            int[] untouched = new int[16];
            Arrays.fill(untouched, 0x5A5A5A5A);
            assertArrayEquals(untouched, words(images, 0), "the image before is untouched");
            assertArrayEquals(untouched, words(images, 2), "the image after is untouched");
        }
    }

    @Test
    void aPackedSlotEncodesAsTheProtocolsPackedPublisherWritesIt() {
        int[] store = {0x1234, 400};
        int[] add = {3, 401, 0};
        int[] args = {2 | 5 << 8 | Opcodes.STORE_U32 << 16, Opcodes.ATOMIC_ADD | 2 << 8, 0x1234, 400, 3, 401, 0};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment images = arena.allocate(2L * Slots.BYTES, 64);
            Slots.encode(images, 1, 4, Opcodes.PACKED_SLOT, args, args.length);
            MemorySegment ring = arena.allocate(2L * Slots.BYTES, 64);
            RingPublisher.publishPackedSlot(ring, 1, 4, List.of(PackedOp.of(Opcodes.STORE_U32, store),
                    PackedOp.of(Opcodes.ATOMIC_ADD, add)));
            assertArrayEquals(words(ring, 1), words(images, 1));
            SlotImages.check(2, 0, images.asSlice(Slots.BYTES), 1); // accepted by publishSlots' checks
        }
    }

    @Test
    void threeArgumentsInTheArrayFormEqualTheScalarForm() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(Slots.BYTES, 64);
            MemorySegment b = arena.allocate(Slots.BYTES, 64);
            b.fill((byte) -1);
            Slots.encode(a, 0, 2, Opcodes.ATOMIC_ADD, 7, 170, 0);
            Slots.encode(b, 0, 2, Opcodes.ATOMIC_ADD, new int[] {7, 170, 0}, 3);
            assertArrayEquals(words(a, 0), words(b, 0));
            Slots.encode(b, 0, 2, Opcodes.NOP, null, 0);
            assertEquals(Opcodes.NOP, words(b, 0)[1]);
            assertTrue(Arrays.stream(words(b, 0)).skip(4).allMatch(w -> w == 0), "no argument words: all zero");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 13, 4})
    void aBadArgumentCountIsRefusedNamingItAndWritesNothing(int argCount) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment images = arena.allocate(Slots.BYTES, 64);
            VyreArgumentException e = assertThrows(VyreArgumentException.class,
                    () -> Slots.encode(images, 0, 0, Opcodes.STORE_U32, new int[3], argCount));
            assertEquals("argCount", e.parameter());
            assertEquals(1, e.getMessage().split("Fix:", -1).length - 1, e.getMessage());
            assertArrayEquals(new int[16], words(images, 0), "nothing was written");
        }
        VyreArgumentException missing = assertThrows(VyreArgumentException.class,
                () -> Slots.encode(MemorySegment.NULL, 0, 0, Opcodes.STORE_U32, null, 1));
        assertTrue(missing.getMessage().contains("a missing args array"), missing.getMessage());
    }
}

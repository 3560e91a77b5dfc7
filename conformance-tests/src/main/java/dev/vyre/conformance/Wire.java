package dev.vyre.conformance;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;

/**
 * Builds protocol buffers for workloads, written from the wire spec (vectors C, D, K, M) rather
 * than through {@code Megakernel}, so the suite's inputs do not depend on the code under test.
 * All words are little-endian u32.
 */
public final class Wire {

    /** Priority word a host publisher writes (NORMAL). */
    public static final int PRIORITY_NORMAL = 2;

    private Wire() {
    }

    /** @return word {@code index} of {@code bytes} */
    public static int word(byte[] bytes, long index) {
        int o = Math.toIntExact(index * 4);
        return (bytes[o] & 0xFF) | (bytes[o + 1] & 0xFF) << 8 | (bytes[o + 2] & 0xFF) << 16 | (bytes[o + 3] & 0xFF) << 24;
    }

    /** Sets word {@code index} of {@code bytes}. */
    public static void setWord(byte[] bytes, long index, int value) {
        int o = Math.toIntExact(index * 4);
        bytes[o] = (byte) value;
        bytes[o + 1] = (byte) (value >>> 8);
        bytes[o + 2] = (byte) (value >>> 16);
        bytes[o + 3] = (byte) (value >>> 24);
    }

    /**
     * vyre's {@code encode_control}: {@code 160 + observable} words; word 0 = shutdown flag,
     * word 2 = 3, masks 0xFFFFFFFF for the first {@code tenantCount} tenants (up to word 31),
     * quotas 1,000,000 (up to word 63).
     */
    public static byte[] control(boolean shutdown, int tenantCount, int observable) {
        byte[] c = new byte[(ControlLayout.CONTROL_MIN_WORDS + observable) * 4];
        setWord(c, ControlLayout.SHUTDOWN, shutdown ? 1 : 0);
        setWord(c, ControlLayout.TENANT_BASE, ControlLayout.TENANT_MASK_BASE);
        long tc = Integer.toUnsignedLong(tenantCount);
        for (long i = 0; i < Math.min(tc, 29); i++) {
            setWord(c, ControlLayout.TENANT_MASK_BASE + i, 0xFFFFFFFF);
        }
        for (long i = 0; i < Math.min(tc, 32); i++) {
            setWord(c, ControlLayout.TENANT_QUOTA_BASE + i, ControlLayout.DEFAULT_TENANT_QUOTA);
        }
        return c;
    }

    /** @return an all-EMPTY ring */
    public static byte[] ring(int slots) {
        return new byte[slots * SlotLayout.SLOT_BYTES];
    }

    /** @return an empty 64-record debug log (1028 bytes) */
    public static byte[] debugLog() {
        return new byte[DebugLogLayout.BUFFER_BYTES];
    }

    /** @return an empty 64-slot IO queue */
    public static byte[] ioQueue() {
        return new byte[IoQueueLayout.IO_SLOT_COUNT * IoQueueLayout.IO_SLOT_BYTES];
    }

    /**
     * Writes a PUBLISHED slot the way {@code publish_slot} does: status 1, opcode, tenant,
     * priority 2, the arguments, remaining argument words zero.
     */
    public static void publish(byte[] ring, int slot, int tenant, int opcode, int... args) {
        raw(ring, slot, slotWords(SlotStatus.PUBLISHED, opcode, tenant, args));
    }

    /** @return the 16 words of a slot */
    public static int[] slotWords(int status, int opcode, int tenant, int... args) {
        if (args.length > SlotLayout.ARGS_PER_SLOT) {
            throw new IllegalArgumentException("at most 12 argument words, got " + args.length);
        }
        int[] w = new int[SlotLayout.SLOT_WORDS];
        w[SlotLayout.STATUS_WORD] = status;
        w[SlotLayout.OPCODE_WORD] = opcode;
        w[SlotLayout.TENANT_WORD] = tenant;
        w[SlotLayout.PRIORITY_WORD] = PRIORITY_NORMAL;
        System.arraycopy(args, 0, w, SlotLayout.ARG0_WORD, args.length);
        return w;
    }

    /** Writes all 16 words of slot {@code slot} verbatim. */
    public static void raw(byte[] ring, int slot, int[] words) {
        for (int i = 0; i < SlotLayout.SLOT_WORDS; i++) {
            setWord(ring, (long) slot * SlotLayout.SLOT_WORDS + i, words[i]);
        }
    }

    /** @return the 16 words of slot {@code slot} */
    public static int[] slot(byte[] ring, int slot) {
        int[] w = new int[SlotLayout.SLOT_WORDS];
        for (int i = 0; i < w.length; i++) {
            w[i] = word(ring, (long) slot * SlotLayout.SLOT_WORDS + i);
        }
        return w;
    }

    /** vyre's {@code encode_load_miss}: {@code [1, 0xFFFD, 0, 0, resource, prefetch, 0 x 10]}. */
    public static int[] loadMiss(int resource, boolean prefetch) {
        int[] w = new int[SlotLayout.SLOT_WORDS];
        w[SlotLayout.STATUS_WORD] = SlotStatus.PUBLISHED;
        w[SlotLayout.OPCODE_WORD] = Opcodes.LOAD_MISS;
        w[SlotLayout.ARG0_WORD] = resource;
        w[SlotLayout.ARG0_WORD + 1] = prefetch ? 1 : 0;
        return w;
    }

    /**
     * The 12 payload words {@code publish_packed_slot} writes (vectors section M): byte 0 = op
     * count, byte 1 = total argument words, then one (op id, argument offset) byte pair per op;
     * arguments start at word {@code ceil((2 + 2n) / 4)}.
     *
     * @param ops {@code ops[k][0]} is the u8 op id, the rest its arguments
     * @throws IllegalArgumentException when the encoder would refuse the layout
     */
    public static int[] packedPayload(int[]... ops) {
        int n = ops.length;
        int meta = (2 + 2 * n + 3) / 4;
        int total = 0;
        for (int[] op : ops) {
            total += op.length - 1;
        }
        if (n > 255 || meta > SlotLayout.ARGS_PER_SLOT || meta + total > SlotLayout.ARGS_PER_SLOT) {
            throw new IllegalArgumentException("packed slot payload exceeds the 12-word slot argument budget");
        }
        byte[] bytes = new byte[SlotLayout.ARGS_PER_SLOT * 4];
        bytes[0] = (byte) n;
        bytes[1] = (byte) total;
        int offset = 0;
        for (int k = 0; k < n; k++) {
            bytes[2 + 2 * k] = (byte) ops[k][0];
            bytes[3 + 2 * k] = (byte) offset;
            for (int a = 1; a < ops[k].length; a++) {
                setWord(bytes, meta + offset + a - 1, ops[k][a]);
            }
            offset += ops[k].length - 1;
        }
        int[] payload = new int[SlotLayout.ARGS_PER_SLOT];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = word(bytes, i);
        }
        return payload;
    }

    /** @return the request's ring slot count */
    public static int slots(byte[] ring) {
        return ring.length / SlotLayout.SLOT_BYTES;
    }
}

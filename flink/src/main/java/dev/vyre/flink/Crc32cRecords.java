package dev.vyre.flink;

import dev.vyre.api.Slots;
import dev.vyre.protocol.Opcodes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.zip.CRC32C;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;

/**
 * The record work of the example job, the bench and the CI test: record {@code id} becomes
 * {@value #RECORD_BYTES} bytes ({@link #bytes}), one CRC32C slot hashes them on the device into the slot's
 * observable word, and the result is {@code (id, crc)}. {@link #expected} is the same computation in plain
 * Java ({@link CRC32C}).
 */
public final class Crc32cRecords {
    /** Bytes hashed per record. */
    public static final int RECORD_BYTES = 32;

    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(
            java.nio.ByteOrder.LITTLE_ENDIAN);

    private Crc32cRecords() {
    }

    /** Writes record {@code id}'s bytes at {@code offset} of {@code out}: four little-endian longs of id mixes. */
    public static void bytes(long id, MemorySegment out, long offset) {
        long x = id;
        for (int w = 0; w < RECORD_BYTES / Long.BYTES; w++) {
            x = mix(x + 0x9E37_79B9_7F4A_7C15L);
            out.set(LONG_LE, offset + (long) w * Long.BYTES, x);
        }
    }

    /** @return the CRC32C of record {@code id}'s bytes, computed on the host */
    public static int expected(long id) {
        byte[] buffer = new byte[RECORD_BYTES];
        bytes(id, MemorySegment.ofArray(buffer), 0);
        CRC32C crc = new CRC32C();
        crc.update(buffer);
        return (int) crc.getValue();
    }

    /** The encoder: the record's bytes into the slot's data, one CRC32C slot into the slot's observable word. */
    public static SlotEncoder<Long> encoder() {
        return (id, target) -> {
            bytes(id, target.data(), 0);
            Slots.encode(target.images(), 0, target.tenant(), Opcodes.CRC32C, target.dataOffset(), RECORD_BYTES,
                    target.observable());
        };
    }

    /** The decoder: {@code (id, observable word)}. */
    public static ResultDecoder<Long, Tuple2<Long, Integer>> decoder() {
        return (id, result) -> Tuple2.of(id, result.word());
    }

    /** A function on {@code options} (its data bytes per slot raised to {@value #RECORD_BYTES} if below). */
    public static VyreAsyncFunction<Long, Tuple2<Long, Integer>> function(VyreFlinkOptions options) {
        VyreFlinkOptions fitted = options.dataBytesPerSlot() >= RECORD_BYTES ? options
                : options.withDataBytesPerSlot(RECORD_BYTES);
        return new VyreAsyncFunction<>(fitted, encoder(), decoder(), Types.TUPLE(Types.LONG, Types.INT));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}

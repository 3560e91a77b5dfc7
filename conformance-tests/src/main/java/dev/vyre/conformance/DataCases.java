package dev.vyre.conformance;

import static dev.vyre.conformance.OnePass.done;
import static dev.vyre.conformance.OnePass.metric;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * DFA_STEP over the data buffer (deliberate fix 5): {@code C[160 + a2] = B32[a0 * 256 + (a1 & 0xFF)]},
 * whole little-endian words only, 64-bit index arithmetic, out of range reads 0. CRC32C (the
 * data-plane extension): {@code C[160 + a2] = crc32c(B[a0 .. min(a0 + a1, dataBytes)))}, golden
 * values from {@link java.util.zip.CRC32C}.
 */
final class DataCases {

    /** Two full states (2 x 256 words) and a 2-byte tail that is not a whole word. */
    private static final int DATA_BYTES = 2 * 256 * 4 + 2;

    private DataCases() {
    }

    static List<ConformanceCase> all() {
        return List.of(
                ConformanceCase.onePass("data/dfa_step", "DFA_STEP lookups: in range, byte masking, partial tail word,"
                        + " 64-bit index overflow, out-of-range destination", DataCases::onePass)
                        .requires(Requirement.DATA_BUFFER),
                ConformanceCase.persistent("data/dfa_step_session",
                        "DFA_STEP in a session reads bytes the host wrote into the data buffer",
                        DataCases::session).requires(Requirement.DATA_BUFFER),
                ConformanceCase.onePass("data/crc32c", "CRC32C of data-buffer ranges: whole buffer, unaligned"
                        + " middle, clamped at the buffer end, zero length, start past the end, 64-bit end,"
                        + " out-of-range destination, no metric", DataCases::crcOnePass)
                        .requires(Requirement.DATA_BUFFER),
                ConformanceCase.persistent("data/crc32c_session",
                        "CRC32C in a session checksums bytes the host wrote into the data buffer",
                        DataCases::crcSession).requires(Requirement.DATA_BUFFER),
                ConformanceCase.persistent("data/resident_range_session",
                        "a resident range given at open reads its bytes at both of its ends, the streamed words beside"
                        + " it (rewritten while the session runs) read the new bytes, CRC32C across both of its ends",
                        DataCases::residentRange)
                        .requires(Requirement.DATA_BUFFER));
    }

    /** Odd length so ranges end inside a word and clamping is visible. */
    private static final int CRC_DATA_BYTES = 4097;

    /** @return CRC-32C of {@code data[start .. min(start + length, data.length))}, 0 when empty */
    static int crc32c(byte[] data, long start, long length) {
        long end = Math.min(start + length, data.length);
        if (start >= end) {
            return 0;
        }
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(data, (int) start, (int) (end - start));
        return (int) crc.getValue();
    }

    static byte[] crcData(int length, int seed) {
        byte[] data = new byte[length];
        int x = seed;
        for (int i = 0; i < length; i++) {
            x = x * 1103515245 + 12345;
            data[i] = (byte) (x >>> 16);
        }
        return data;
    }

    private static List<Snapshot> crcOnePass(Vyre vyre) {
        byte[] data = crcData(CRC_DATA_BYTES, 0xC3C3);
        byte[] control = Wire.control(false, 1, 16);
        for (int i = 0; i < 16; i++) {
            Wire.setWord(control, 160 + i, 0xC0DE0000 | i);
        }
        byte[] ring = Wire.ring(8);
        Wire.publish(ring, 0, 0, Opcodes.CRC32C, 0, CRC_DATA_BYTES, 0);        // the whole buffer
        Wire.publish(ring, 1, 0, Opcodes.CRC32C, 3, 1000, 1);                  // unaligned middle
        Wire.publish(ring, 2, 0, Opcodes.CRC32C, 4000, 500, 2);                // clamped: 97 bytes
        Wire.publish(ring, 3, 0, Opcodes.CRC32C, 17, 0, 3);                    // zero length
        Wire.publish(ring, 4, 0, Opcodes.CRC32C, CRC_DATA_BYTES, 1, 4);        // starts at the end
        Wire.publish(ring, 5, 0, Opcodes.CRC32C, 4096, 0xFFFFFFFF, 5);         // a0 + a1 > 2^32: last byte
        Wire.publish(ring, 6, 0, Opcodes.CRC32C, 0xFFFFFFFF, 0xFFFFFFFF, 6);   // far past the end
        Wire.publish(ring, 7, 0, Opcodes.CRC32C, 0, 16, 0xFFFFFFFF);           // destination out of range
        var request = OnePass.request(control, ring).withData(data);
        return OnePass.run(vyre, request, g -> {
            for (int s = 0; s < 8; s++) {
                done(g, s);
            }
            g.control(160, crc32c(data, 0, CRC_DATA_BYTES))
                    .control(161, crc32c(data, 3, 1000))
                    .control(162, crc32c(data, 4000, 97))
                    .control(163, 0)
                    .control(164, 0)
                    .control(165, crc32c(data, 4096, 1))
                    .control(166, 0);
        });
    }

    private static List<Snapshot> crcSession(Vyre vyre) {
        SessionOptions options = SessionOptions.builder().slotCount(4).observableSlots(16).dataBufferBytes(8192).build();
        try (Session s = vyre.openSession(options)) {
            byte[] bytes = crcData(8192, 0x5EED);
            MemorySegment.copy(bytes, 0, s.dataBuffer(), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
            Golden g = Golden.from(Buffers.of(s));
            s.publish(0, 0, Opcodes.CRC32C, 4096, 4096, 9);
            s.publish(1, 0, Opcodes.CRC32C, 8000, 4096, 10);
            Sessions.await(s, 0, SlotStatus.DONE);
            Sessions.await(s, 1, SlotStatus.DONE);
            Buffers after = Sessions.stop(s);
            g.published(0, 0, Opcodes.CRC32C, 4096, 4096, 9).published(1, 0, Opcodes.CRC32C, 8000, 4096, 10);
            done(done(g, 0), 1);
            g.control(169, crc32c(bytes, 4096, 4096)).control(170, crc32c(bytes, 8000, 192)).control(0, 1);
            g.verify("after shutdown", after);
            return List.of(Snapshot.exact("after shutdown", after));
        }
    }

    /** Data words 512 .. 1023 of an 8 KiB buffer form the resident range. */
    private static final long RANGE_AT = 2048;
    private static final long RANGE_BYTES = 2048;

    private static List<Snapshot> residentRange(Vyre vyre) {
        MemorySegment range = MemorySegment.ofArray(new byte[(int) RANGE_BYTES]);
        for (int i = 0; i < RANGE_BYTES / 4; i++) {
            range.set(dev.vyre.protocol.Words.WORD_UNALIGNED, i * 4L, entry(512 + i));
        }
        SessionOptions options = SessionOptions.builder().slotCount(4).observableSlots(16).dataBufferBytes(8192)
                .residentRange(RANGE_AT, range).build();
        try (Session s = vyre.openSession(options)) {
            MemorySegment data = s.dataBuffer();
            for (int i = 0; i < 2048; i++) {
                if (i < 512 || i >= 1024) {
                    data.set(dev.vyre.protocol.Words.WORD_UNALIGNED, i * 4L, entry(i));
                }
            }
            Golden first = Golden.from(Buffers.of(s));
            int[][] loads = {{1, 255, 0}, {2, 0, 1}, {3, 255, 2}, {4, 0, 3}}; // words 511, 512, 1023, 1024
            for (int slot = 0; slot < 4; slot++) {
                s.publish(slot, 0, Opcodes.DFA_STEP, loads[slot][0], loads[slot][1], loads[slot][2]);
            }
            for (int slot = 0; slot < 4; slot++) {
                Sessions.await(s, slot, SlotStatus.DONE);
                first.published(slot, 0, Opcodes.DFA_STEP, loads[slot]);
                metric(done(first, slot), Opcodes.DFA_STEP);
            }
            first.control(160, entry(511)).control(161, entry(512)).control(162, entry(1023)).control(163, entry(1024));
            Buffers afterFirst = Buffers.of(s);
            first.verify("with the range given at open", afterFirst);

            // the streamed words around the range change; the range does not
            data.set(dev.vyre.protocol.Words.WORD_UNALIGNED, 511 * 4L, 0xE0000000 | 511);
            data.set(dev.vyre.protocol.Words.WORD_UNALIGNED, 1024 * 4L, 0xE0000000 | 1024);
            byte[] bytes = new byte[8192];
            MemorySegment.copy(data, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes, 0, bytes.length);
            Golden second = Golden.from(Buffers.of(s));
            s.publish(0, 0, Opcodes.DFA_STEP, 1, 255, 4);        // word 511, rewritten
            s.publish(1, 0, Opcodes.DFA_STEP, 4, 0, 5);          // word 1024, rewritten
            s.publish(2, 0, Opcodes.CRC32C, 2040, 16, 6);        // bytes 2040 .. 2055: across the range's start
            s.publish(3, 0, Opcodes.CRC32C, 4088, 16, 7);        // bytes 4088 .. 4103: across the range's end
            for (int slot = 0; slot < 4; slot++) {
                Sessions.await(s, slot, SlotStatus.DONE);
            }
            Buffers after = Sessions.stop(s);
            second.published(0, 0, Opcodes.DFA_STEP, 1, 255, 4).published(1, 0, Opcodes.DFA_STEP, 4, 0, 5)
                    .published(2, 0, Opcodes.CRC32C, 2040, 16, 6).published(3, 0, Opcodes.CRC32C, 4088, 16, 7);
            metric(done(second, 0), Opcodes.DFA_STEP);
            metric(done(second, 1), Opcodes.DFA_STEP);
            done(done(second, 2), 3);
            second.control(164, 0xE0000000 | 511).control(165, 0xE0000000 | 1024)
                    .control(166, crc32c(bytes, 2040, 16)).control(167, crc32c(bytes, 4088, 16)).control(0, 1);
            second.verify("after streamed writes beside the range and shutdown", after);
            return List.of(Snapshot.exact("with the range given at open", afterFirst),
                    Snapshot.exact("after streamed writes beside the range and shutdown", after));
        }
    }

    static int entry(int index) {
        return 0xD0000000 | index;
    }

    private static List<Snapshot> onePass(Vyre vyre) {
        byte[] data = new byte[DATA_BYTES];
        for (int i = 0; i < 512; i++) {
            Wire.setWord(data, i, entry(i));
        }
        data[2048] = 0x11;
        data[2049] = 0x22;
        byte[] control = Wire.control(false, 1, 16);
        for (int i = 0; i < 16; i++) {
            Wire.setWord(control, 160 + i, 0xC0DE0000 | i);
        }
        byte[] ring = Wire.ring(8);
        Wire.publish(ring, 0, 0, Opcodes.DFA_STEP, 1, 0x141, 4);        // B32[256 + 0x41]
        Wire.publish(ring, 1, 0, Opcodes.DFA_STEP, 0, 0xFFFFFFFF, 5);   // a1 & 0xFF = 255
        Wire.publish(ring, 2, 0, Opcodes.DFA_STEP, 2, 0, 6);            // word 512: only 2 of its 4 bytes exist
        Wire.publish(ring, 3, 0, Opcodes.DFA_STEP, 0x01000000, 3, 7);   // index 2^32 + 3 must not wrap to 3
        Wire.publish(ring, 4, 0, Opcodes.DFA_STEP, 0xFFFFFFFF, 0xFF, 8); // far out of range
        Wire.publish(ring, 5, 0, Opcodes.DFA_STEP, 0, 7, 0xFFFFFFFF);   // destination out of range
        var request = OnePass.request(control, ring).withData(data);
        return OnePass.run(vyre, request, g -> {
            for (int s = 0; s < 6; s++) {
                metric(done(g, s), Opcodes.DFA_STEP);
            }
            g.control(164, entry(256 + 0x41)).control(165, entry(255)).control(166, 0).control(167, 0).control(168, 0);
        });
    }

    private static List<Snapshot> session(Vyre vyre) {
        SessionOptions options = SessionOptions.builder().slotCount(4).observableSlots(16).dataBufferBytes(4096).build();
        try (Session s = vyre.openSession(options)) {
            MemorySegment data = s.dataBuffer();
            for (int i = 0; i < 1024; i++) {
                data.set(dev.vyre.protocol.Words.WORD_UNALIGNED, i * 4L, entry(i));
            }
            Golden g = Golden.from(Buffers.of(s));
            s.publish(0, 0, Opcodes.DFA_STEP, 3, 0x2A, 9);
            s.publish(1, 0, Opcodes.DFA_STEP, 4, 0, 10);
            Sessions.await(s, 0, SlotStatus.DONE);
            Sessions.await(s, 1, SlotStatus.DONE);
            Buffers after = Sessions.stop(s);
            g.published(0, 0, Opcodes.DFA_STEP, 3, 0x2A, 9).published(1, 0, Opcodes.DFA_STEP, 4, 0, 10);
            metric(metric(done(done(g, 0), 1), Opcodes.DFA_STEP), Opcodes.DFA_STEP);
            g.control(169, entry(3 * 256 + 0x2A)).control(170, 0).control(0, 1);
            g.verify("after shutdown", after);
            return List.of(Snapshot.exact("after shutdown", after));
        }
    }
}

package dev.vyre.conformance;

import static dev.vyre.conformance.OnePass.done;

import dev.vyre.api.Vyre;
import dev.vyre.ir.IrOpcodes;
import dev.vyre.ir.Programs;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.UnsupportedFeatureException;
import java.util.List;

/**
 * Custom opcodes written once in the portable IR (docs/IR.md) and lowered by every backend: CRC-32C
 * of data-buffer ranges, bit by bit, must equal {@link java.util.zip.CRC32C} (the same golden values as
 * the built-in CRC32C opcode, {@code data/crc32c}) on every backend, byte for byte.
 */
final class IrCases {

    /** The IR opcode (above 31, so no metric is counted). */
    static final int IR_CRC32C = 0x2001;
    private static final int DATA_BYTES = 4097;

    private IrCases() {
    }

    static List<ConformanceCase> all() {
        return List.of(ConformanceCase.onePass("ir/crc32c",
                "CRC-32C written once in the IR equals java.util.zip.CRC32C on every backend: whole buffer,"
                        + " unaligned middle, clamped end, empty, past the end, index sum above 2^32, destination"
                        + " out of range", IrCases::crcOnePass)
                .requires(Requirement.CUSTOM_OPCODES, Requirement.DATA_BUFFER));
    }

    private static List<Snapshot> crcOnePass(Vyre vyre) {
        byte[] data = DataCases.crcData(DATA_BYTES, 0xC3C3);
        byte[] control = Wire.control(false, 1, 16);
        for (int i = 0; i < 16; i++) {
            Wire.setWord(control, 160 + i, 0xC0DE0000 | i);
        }
        byte[] ring = Wire.ring(8);
        Wire.publish(ring, 0, 0, IR_CRC32C, 0, DATA_BYTES, 0);           // the whole buffer
        Wire.publish(ring, 1, 0, IR_CRC32C, 3, 1000, 1);                 // unaligned middle
        Wire.publish(ring, 2, 0, IR_CRC32C, 4000, 500, 2);               // clamped: 97 bytes
        Wire.publish(ring, 3, 0, IR_CRC32C, 17, 0, 3);                   // zero length
        Wire.publish(ring, 4, 0, IR_CRC32C, DATA_BYTES, 1, 4);           // starts at the end
        Wire.publish(ring, 5, 0, IR_CRC32C, 4096, 0xFFFFFFFF, 5);        // a0 + a1 > 2^32: last byte
        Wire.publish(ring, 6, 0, IR_CRC32C, 0xFFFFFFFF, 0xFFFFFFFF, 6);  // far past the end
        Wire.publish(ring, 7, 0, IR_CRC32C, 0, 16, 0xFFFFFFFF);          // destination out of range
        var request = OnePass.request(control, ring).withData(data)
                .withOpcodes(CustomOpcodes.of(IrOpcodes.irOpcode(IR_CRC32C, Programs.crc32c(DATA_BYTES))));
        try {
            return OnePass.run(vyre, request, g -> {
                for (int s = 0; s < 8; s++) {
                    done(g, s);
                }
                g.control(160, DataCases.crc32c(data, 0, DATA_BYTES))
                        .control(161, DataCases.crc32c(data, 3, 1000))
                        .control(162, DataCases.crc32c(data, 4000, 97))
                        .control(163, 0)
                        .control(164, 0)
                        .control(165, DataCases.crc32c(data, 4096, 1))
                        .control(166, 0);
            });
        } catch (UnsupportedFeatureException e) {
            throw new CaseSkipped("the backend runs none of the IR opcode's dialects: " + e.getMessage());
        }
    }
}

package dev.vyre.ir;

import org.apiguardian.api.API;

/** Ready-made IR programs. */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public final class Programs {

    /** Reflected CRC-32C polynomial (Castagnoli). */
    public static final int CRC32C_POLY = 0x82F63B78;

    private Programs() {
    }

    /**
     * CRC-32C of the data bytes {@code [a0, min(a0 + a1, dataBytes))} (the sum in 64 bits), bit by bit,
     * into control word {@code 160 + a2}: the built-in CRC32C opcode's contract for ranges of at most
     * {@code maxBytes} bytes (longer ranges are cut to their first {@code maxBytes} bytes).
     */
    public static Program crc32c(int maxBytes) {
        return Program.build(b -> {
            Expr.Ref start = b.let(Ir.asU64(Ir.arg(0)));
            Expr.Ref end = b.let(Ir.min(Ir.add(start, Ir.asU64(Ir.arg(1))), Ir.dataBytes()));
            Expr.Ref n = b.let(Ir.select(Ir.lt(start, end), Ir.asU32(Ir.sub(end, start)), Ir.u32(0)));
            Expr.Ref crc = b.var(Ir.u32(0xFFFFFFFF));
            b.loop(n, maxBytes, (body, i) -> {
                body.set(crc, Ir.xor(crc, Ir.loadDataByte(Ir.add(start, Ir.asU64(i)))));
                body.loop(Ir.u32(8), 8, (bits, k) -> bits.set(crc, Ir.xor(Ir.shr(crc, Ir.u32(1)),
                        Ir.and(Ir.u32(CRC32C_POLY), Ir.neg(Ir.and(crc, Ir.u32(1)))))));
            });
            b.store(Ir.add(Ir.u64(160), Ir.asU64(Ir.arg(2))), Ir.not(crc));
        });
    }
}

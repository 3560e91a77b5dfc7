package dev.vyre.protocol;

/**
 * One non-zero per-opcode metric: {@code count} executions of {@code opcode} (below 32).
 *
 * @param opcode the opcode, 0..31
 * @param count  the counter value, a u32 read as unsigned
 */
public record MetricCount(int opcode, int count) {

    /** @return {@link #count()} as an unsigned value */
    public long unsignedCount() {
        return Integer.toUnsignedLong(count);
    }

    /** @return this entry packed as {@code opcode << 32 | count} (the {@code ...Into} form) */
    public long packed() {
        return MetricsCodec.pack(opcode, count);
    }
}

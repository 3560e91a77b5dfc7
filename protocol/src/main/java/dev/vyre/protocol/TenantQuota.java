package dev.vyre.protocol;

/**
 * The caps a tenant is registered with. Every cap is an unsigned 64-bit value held in a
 * {@code long}: {@link #UNBOUNDED} ({@code 0xFFFF_FFFF_FFFF_FFFF}, {@code u64::MAX}) means no cap,
 * and {@link Long#toUnsignedString(long)} prints a cap exactly as the wire-compatible runtime does.
 * A cap of 0 is normalised to 1 at registration.
 *
 * @param maxOutstandingSlots slots published and not yet reported drained
 * @param maxStagingBytes     staging bytes reserved at once
 * @param maxResidentHandles  resident handles reserved at once
 */
public record TenantQuota(long maxOutstandingSlots, long maxStagingBytes, long maxResidentHandles) {

    /** The unbounded cap, {@code u64::MAX}. */
    public static final long UNBOUNDED = -1L;

    /** @return a quota with every cap unbounded */
    public static TenantQuota unbounded() {
        return new TenantQuota(UNBOUNDED, UNBOUNDED, UNBOUNDED);
    }

    /** @return a quota with the three given caps (unsigned) */
    public static TenantQuota bounded(long maxOutstandingSlots, long maxStagingBytes, long maxResidentHandles) {
        return new TenantQuota(maxOutstandingSlots, maxStagingBytes, maxResidentHandles);
    }

    /** @return this quota with every cap of 0 raised to 1 */
    TenantQuota normalised() {
        return new TenantQuota(atLeastOne(maxOutstandingSlots), atLeastOne(maxStagingBytes),
                atLeastOne(maxResidentHandles));
    }

    private static long atLeastOne(long cap) {
        return cap == 0 ? 1 : cap;
    }
}

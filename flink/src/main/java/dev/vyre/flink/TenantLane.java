package dev.vyre.flink;

/**
 * The part of a {@link SharedSession} one operator instance owns while it holds the lease: a tenant id, ring
 * slots {@code firstSlot .. firstSlot + slots - 1}, observable word {@code s} and data-buffer bytes
 * {@code s × dataBytesPerSlot ..} of each of its slots {@code s}.
 */
record TenantLane(SharedSession shared, int partition, int tenant, String label, int firstSlot, int slots,
                  int dataBytesPerSlot) {

    /** @return the byte offset in the data buffer of ring slot {@code slot}'s bytes */
    long dataOffset(int slot) {
        return (long) slot * dataBytesPerSlot;
    }
}

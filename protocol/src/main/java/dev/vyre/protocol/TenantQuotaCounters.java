package dev.vyre.protocol;

/**
 * A tenant's resource reservations against its caps. Values are unsigned 64-bit; a cap of
 * {@link TenantQuota#UNBOUNDED} reads {@code 18446744073709551615} through
 * {@link Long#toUnsignedString(long)}.
 *
 * @param tenantId           tenant id
 * @param stagingBytes       staging bytes reserved now
 * @param maxStagingBytes    staging-byte cap
 * @param residentHandles    resident handles reserved now
 * @param maxResidentHandles resident-handle cap
 */
public record TenantQuotaCounters(int tenantId, long stagingBytes, long maxStagingBytes, long residentHandles,
                                  long maxResidentHandles) {
}

package dev.vyre.protocol;

/**
 * A decoded LOAD_MISS slot.
 *
 * @param resourceId the consumer-defined resource id (argument word 0, unsigned)
 * @param prefetch   argument word 1 is non-zero
 */
public record LoadMiss(int resourceId, boolean prefetch) {
}

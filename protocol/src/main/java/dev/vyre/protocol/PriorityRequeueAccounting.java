package dev.vyre.protocol;

/**
 * Requeue pressure visible in a ring snapshot.
 *
 * @param requeueCount   REQUEUE slots
 * @param agedPromotions always 0 (vyre does not derive it from a snapshot)
 * @param maxPriorityAge always 0 (vyre does not derive it from a snapshot)
 */
public record PriorityRequeueAccounting(long requeueCount, long agedPromotions, long maxPriorityAge) {
}

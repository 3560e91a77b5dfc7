package dev.vyre.api;

import dev.vyre.protocol.VyreArgumentException;

/**
 * How a {@link DeviceGroup} cuts a stream into units: {@code unit = max(1, total / (4 × members))}
 * slots (the {@code 4 × members} saturating), {@code units = ceil(total / unit)}, unit {@code i}
 * covering {@code [i × unit, min((i + 1) × unit, total))}. Four units per member leave room for an
 * idle member to take work from a slow one; a caller may ask for another unit size.
 *
 * @param total    slots in the stream
 * @param unitSize slots per unit (the last one may be shorter)
 * @param units    how many units
 */
record WorkPartition(long total, long unitSize, int units) {

    /** @return the partition of {@code total} slots over {@code members} members */
    static WorkPartition of(long total, int members) {
        if (total <= 0 || members <= 0) {
            return new WorkPartition(Math.max(total, 0), 1, 0);
        }
        long share = members > Long.MAX_VALUE / 4 ? Long.MAX_VALUE : 4L * members;
        return withUnitSize(total, Math.max(1, total / share));
    }

    /**
     * @return the partition of {@code total} slots into units of {@code unitSize}
     * @throws VyreArgumentException when that makes more than {@link Integer#MAX_VALUE} units
     */
    static WorkPartition withUnitSize(long total, long unitSize) {
        long units = total <= 0 ? 0 : (total + unitSize - 1) / unitSize;
        if (units > Integer.MAX_VALUE) {
            throw new VyreArgumentException("unitSlots", total + " slots in units of " + unitSize
                    + " make " + units + " units", "use units of at least " + (total / Integer.MAX_VALUE + 1) + " slots");
        }
        return new WorkPartition(Math.max(total, 0), unitSize, (int) units);
    }

    /** @return unit {@code index} */
    WorkUnit unit(int index) {
        long first = index * unitSize;
        return new WorkUnit(index, first, Math.min(unitSize, total - first));
    }
}

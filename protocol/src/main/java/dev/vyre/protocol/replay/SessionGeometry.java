package dev.vyre.protocol.replay;

import dev.vyre.protocol.VyreArgumentException;

/**
 * The shape of the session a full-image replay log was recorded from, kept in its header so that a
 * replay opens sessions of the same shape.
 *
 * @param slotCount       ring slots, 1 .. 1,048,576
 * @param tenantCount     tenants the control buffer authorised (0 or more)
 * @param observableSlots observable words after word 160, 0 .. 1,048,576
 * @param dataBufferBytes bytes of the data buffer (binding 4), 0 for none
 */
public record SessionGeometry(int slotCount, int tenantCount, int observableSlots, long dataBufferBytes) {

    /** Largest ring and observable area a log records (the protocol's allocation caps). */
    public static final int MAX = 1 << 20;

    public SessionGeometry {
        if (slotCount < 1 || slotCount > MAX) {
            throw new VyreArgumentException("slotCount", slotCount + " is outside 1.." + MAX,
                    "record a session whose ring has 1.." + MAX + " slots");
        }
        if (tenantCount < 0) {
            throw new VyreArgumentException("tenantCount", tenantCount + " is negative", "pass 0 or more tenants");
        }
        if (observableSlots < 0 || observableSlots > MAX) {
            throw new VyreArgumentException("observableSlots", observableSlots + " is outside 0.." + MAX,
                    "pass an observable area of 0.." + MAX + " words");
        }
        if (dataBufferBytes < 0) {
            throw new VyreArgumentException("dataBufferBytes", dataBufferBytes + " is negative",
                    "pass 0 for no data buffer or a positive byte count");
        }
    }
}

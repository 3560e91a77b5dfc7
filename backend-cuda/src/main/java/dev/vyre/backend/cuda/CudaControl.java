package dev.vyre.backend.cuda;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Words;
import java.lang.foreign.MemorySegment;

/** Writes the initial control words of a session, as {@code encodeControl(false, tenants, obs)}. */
final class CudaControl {

    private CudaControl() {
    }

    /** Fills {@code dst} (already zero, {@code 160 + observableSlots} words long). */
    static void encodeInitial(MemorySegment dst, int tenantCount, int observableSlots) {
        Words.set(dst, ControlLayout.TENANT_BASE, ControlLayout.TENANT_MASK_BASE);
        long masks = Math.min((long) ControlLayout.TENANT_MASK_BASE + tenantCount, ControlLayout.TENANT_QUOTA_BASE);
        for (long w = ControlLayout.TENANT_MASK_BASE; w < masks; w++) {
            Words.set(dst, w, 0xFFFFFFFF);
        }
        long quotas = Math.min((long) ControlLayout.TENANT_QUOTA_BASE + tenantCount, ControlLayout.TENANT_FAIRNESS_BASE);
        for (long w = ControlLayout.TENANT_QUOTA_BASE; w < quotas; w++) {
            Words.set(dst, w, ControlLayout.DEFAULT_TENANT_QUOTA);
        }
    }
}

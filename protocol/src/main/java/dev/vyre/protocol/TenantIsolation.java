package dev.vyre.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * Isolated mode (docs/PROTOCOL.md, "Isolated mode"): each tenant owns a window of observable words and a
 * range of the data buffer; a slot writes control words only inside its tenant's window and reads data
 * bytes only inside its tenant's range, unless its tenant is the admin tenant. Immutable.
 *
 * <p>Windows are given either as an {@link #equalSplit equal split} (resolved when the session's sizes are
 * known) or {@link #of explicitly}. {@link #encode} turns them into the isolation block the interpreters
 * read: {@value #BLOCK_WORDS} u32 words, laid out as
 * <ul>
 *   <li>words {@code 0 .. 31}: per-tenant violation counters (the interpreter adds 1 per violating slot);</li>
 *   <li>words {@code 32 + 4t .. 35 + 4t}: tenant {@code t}'s window: first and end (exclusive) control word
 *       it may write, first and end (exclusive) data byte it may read;</li>
 *   <li>word {@value #ADMIN_WORD}: the admin tenant, or {@code 0xFFFFFFFF} for none.</li>
 * </ul>
 * Only tenants {@code 0 .. 31} can ever run (authorisation needs {@code C[2] + tenant < 32}), so 32 windows
 * cover every slot that executes.
 */
public final class TenantIsolation {

    /** Tenants with a window and a violation counter: every tenant id that can pass authorisation. */
    public static final int TENANTS = 32;
    /** First word of the violation counters. */
    public static final int VIOLATIONS_BASE = 0;
    /** First word of the window table. */
    public static final int WINDOWS_BASE = 32;
    /** Words per window: control start, control end, data start, data end. */
    public static final int WINDOW_WORDS = 4;
    /** The admin tenant's word. */
    public static final int ADMIN_WORD = WINDOWS_BASE + TENANTS * WINDOW_WORDS;
    /** Words of the isolation block. */
    public static final int BLOCK_WORDS = ADMIN_WORD + 1;
    /** {@link #adminTenant()} when no tenant is admin (also the admin word's value). */
    public static final int NO_ADMIN = -1;

    /**
     * One tenant's window, in observable-word indices (control word {@code 160 + k}) and data bytes.
     *
     * @param tenant           tenant id, 0..31
     * @param firstObservable  first observable word it may write
     * @param observableCount  observable words it may write
     * @param dataOffset       first data byte it may read
     * @param dataBytes        data bytes it may read
     */
    public record Window(int tenant, long firstObservable, long observableCount, long dataOffset, long dataBytes) {
        public Window {
            if (tenant < 0 || tenant >= TENANTS) {
                throw new VyreArgumentException("tenant", "tenant " + tenant + " has no window slot",
                        "give windows to tenants 0.." + (TENANTS - 1) + ", the only ids that can run");
            }
            if (firstObservable < 0 || observableCount < 0 || dataOffset < 0 || dataBytes < 0) {
                throw new VyreArgumentException("window", "tenant " + tenant + "'s window has a negative bound",
                        "pass non-negative offsets and counts");
            }
        }
    }

    private final int equalSplitTenants;
    private final Window[] windows;
    private final int adminTenant;

    private TenantIsolation(int equalSplitTenants, Window[] windows, int adminTenant) {
        this.equalSplitTenants = equalSplitTenants;
        this.windows = windows;
        this.adminTenant = adminTenant;
    }

    /**
     * Tenants {@code 0 .. tenants-1} each get {@code floor(observableSlots / tenants)} observable words
     * (tenant {@code t}: from {@code t * that}) and {@code floor(dataBytes / tenants)} rounded down to whole
     * words of the data buffer (tenant {@code t}: from {@code t * that}); the remainders belong to nobody.
     */
    public static TenantIsolation equalSplit(int tenants) {
        if (tenants < 1 || tenants > TENANTS) {
            throw new VyreArgumentException("tenants", "an equal split over " + tenants + " tenants",
                    "split over 1.." + TENANTS + " tenants");
        }
        return new TenantIsolation(tenants, new Window[0], NO_ADMIN);
    }

    /** Explicit windows; a tenant without one may write no control word and read no data byte. */
    public static TenantIsolation of(Window... windows) {
        Window[] copy = windows.clone();
        boolean[] seen = new boolean[TENANTS];
        for (Window w : copy) {
            Objects.requireNonNull(w, "window");
            if (seen[w.tenant()]) {
                throw new VyreArgumentException("windows", "tenant " + w.tenant() + " has two windows",
                        "give each tenant one window");
            }
            seen[w.tenant()] = true;
        }
        return new TenantIsolation(0, copy, NO_ADMIN);
    }

    /**
     * @return a copy in which {@code tenant} is the admin tenant: its slots write any control word
     *         (header words below 160 included) and read any data byte, as in the default mode
     */
    public TenantIsolation withAdmin(int tenant) {
        if (tenant < 0 || tenant >= TENANTS) {
            throw new VyreArgumentException("adminTenant", "tenant " + tenant + " cannot run",
                    "name a tenant 0.." + (TENANTS - 1));
        }
        return new TenantIsolation(equalSplitTenants, windows, tenant);
    }

    /** @return the admin tenant, or {@link #NO_ADMIN} */
    public int adminTenant() {
        return adminTenant;
    }

    /**
     * The isolation block for a session of these sizes: counters 0, then the windows as absolute control
     * words and data bytes, then the admin word.
     *
     * @throws VyreArgumentException when a window leaves the observable words or the data buffer, or the data
     *         buffer is 4 GiB or more (the block holds 32-bit byte offsets)
     */
    public int[] encode(long observableSlots, long dataBufferBytes) {
        if (dataBufferBytes >= 1L << 32) {
            throw new VyreArgumentException("dataBufferBytes", "isolated mode addresses data bytes with 32 bits",
                    "use a data buffer below 4 GiB");
        }
        int[] block = new int[BLOCK_WORDS];
        for (Window w : resolve(observableSlots, dataBufferBytes)) {
            if (w.firstObservable() + w.observableCount() > observableSlots
                    || w.dataOffset() + w.dataBytes() > dataBufferBytes) {
                throw new VyreArgumentException("windows", "tenant " + w.tenant() + "'s window " + w
                        + " leaves the " + observableSlots + " observable words or the " + dataBufferBytes
                        + "-byte data buffer", "keep every window inside the session's buffers");
            }
            int at = WINDOWS_BASE + w.tenant() * WINDOW_WORDS;
            block[at] = (int) (ControlLayout.OBSERVABLE_BASE + w.firstObservable());
            block[at + 1] = (int) (ControlLayout.OBSERVABLE_BASE + w.firstObservable() + w.observableCount());
            block[at + 2] = (int) w.dataOffset();
            block[at + 3] = (int) (w.dataOffset() + w.dataBytes());
        }
        block[ADMIN_WORD] = adminTenant;
        return block;
    }

    /** @return the concrete windows for a session of these sizes */
    public Window[] resolve(long observableSlots, long dataBufferBytes) {
        if (equalSplitTenants == 0) {
            return windows.clone();
        }
        int n = equalSplitTenants;
        long obs = observableSlots / n;
        long data = (dataBufferBytes / n) & ~3L;
        Window[] out = new Window[n];
        for (int t = 0; t < n; t++) {
            out[t] = new Window(t, t * obs, obs, t * data, data);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TenantIsolation other && equalSplitTenants == other.equalSplitTenants
                && adminTenant == other.adminTenant && Arrays.equals(windows, other.windows);
    }

    @Override
    public int hashCode() {
        return Objects.hash(equalSplitTenants, adminTenant, Arrays.hashCode(windows));
    }

    @Override
    public String toString() {
        String admin = adminTenant == NO_ADMIN ? "" : ", admin tenant " + adminTenant;
        String body = equalSplitTenants != 0 ? "equal split over " + equalSplitTenants + " tenants"
                : "windows " + Arrays.toString(windows);
        return "TenantIsolation[" + body + admin + "]";
    }
}

package dev.vyre.protocol;

/**
 * A tenant registry or tenant handle refused a request, reported
 * as a refusal of the {@code "tenant"} queue. {@link #kind()} tells which.
 */
public final class TenantException extends QueueFullException {
    private static final long serialVersionUID = 1L;

    /** The queue name of every tenant refusal. */
    public static final String QUEUE = "tenant";

    /** Why a tenant request was refused. */
    public enum Kind {
        /** No tenant id is left (vyre's {@code RegistryFull}, here: the GPU mask table is full). */
        REGISTRY_FULL,
        /** A local opcode lies outside the tenant's window. */
        OPCODE_OUT_OF_RANGE,
        /** The tenant was unregistered. */
        REVOKED,
        /** Quiesce ran out of polls with slots outstanding. */
        QUIESCE_TIMEOUT,
        /** The outstanding-slot cap is reached. */
        BACKPRESSURE,
        /** Host accounting is inconsistent or overflowed. */
        ACCOUNTING
    }

    private final Kind kind;
    private final int tenantId;

    TenantException(Kind kind, int tenantId, String fix) {
        super(QUEUE, fix);
        this.kind = kind;
        this.tenantId = tenantId;
    }

    /** @return why the request was refused */
    public Kind kind() {
        return kind;
    }

    /** @return the tenant concerned (for {@link Kind#REGISTRY_FULL}: the id that was refused) */
    public int tenantId() {
        return tenantId;
    }
}

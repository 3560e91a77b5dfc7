package dev.vyre.protocol;

/**
 * A tenant registry or tenant handle refused a request, reported
 * as a refusal of the {@code "tenant"} queue. {@link #kind()} tells which.
 */
public final class TenantException extends QueueFullException {
    private static final long serialVersionUID = 1L;

    /** The queue name of tenant refusals about ids, opcodes and slots. */
    public static final String QUEUE = "tenant";
    /** The queue name of refusals about staging-byte and resident-handle reservations. */
    public static final String RESOURCE_QUEUE = "tenant resource quota";

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
        ACCOUNTING,
        /** A staging-byte reservation would pass the tenant's cap. */
        STAGING_BACKPRESSURE,
        /** A resident-handle reservation would pass the tenant's cap. */
        RESIDENT_HANDLE_BACKPRESSURE,
        /** More was released than is reserved. */
        RESOURCE_UNDERFLOW
    }

    private final Kind kind;
    private final int tenantId;

    TenantException(Kind kind, int tenantId, String fix) {
        this(kind, tenantId, QUEUE, fix);
    }

    TenantException(Kind kind, int tenantId, String queue, String fix) {
        super(queue, fix);
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

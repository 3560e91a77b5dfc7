package dev.vyre.conformance;

import dev.vyre.api.Features;

/** A feature a case needs; a backend without it reports the case as SKIPPED. */
public enum Requirement {
    /** {@link Features#persistent()}: persistent sessions. */
    PERSISTENT,
    /** {@link Features#dataBuffer()}: a data buffer (binding 4). */
    DATA_BUFFER,
    /** Custom opcodes: at least one body dialect in {@link Features#dialects()}. */
    CUSTOM_OPCODES;

    /** @return true when {@code features} provide this requirement */
    public boolean metBy(Features features) {
        return switch (this) {
            case PERSISTENT -> features.persistent();
            case DATA_BUFFER -> features.dataBuffer();
            case CUSTOM_OPCODES -> !features.dialects().isEmpty();
        };
    }
}

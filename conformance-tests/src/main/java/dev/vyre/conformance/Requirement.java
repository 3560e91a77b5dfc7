package dev.vyre.conformance;

import dev.vyre.spi.Capabilities;

/** A capability a case needs; a backend without it reports the case as SKIPPED. */
public enum Requirement {
    /** {@link Capabilities#persistent()}. */
    PERSISTENT,
    /** {@link Capabilities#dataBuffer()}. */
    DATA_BUFFER,
    /** {@link Capabilities#customOpcodes()}. */
    CUSTOM_OPCODES;

    /** @return true when {@code capabilities} provide this requirement */
    public boolean metBy(Capabilities capabilities) {
        return switch (this) {
            case PERSISTENT -> capabilities.persistent();
            case DATA_BUFFER -> capabilities.dataBuffer();
            case CUSTOM_OPCODES -> capabilities.customOpcodes();
        };
    }
}

package dev.vyre.protocol;

/**
 * A backend does not support what was asked of it: persistent sessions, a ring or data buffer that
 * large, or custom opcodes in the dialects given. This is a refusal before any work, never a failure
 * of work in progress: nothing ran and nothing was written.
 */
public final class UnsupportedFeatureException extends VyreException {
    private static final long serialVersionUID = 1L;

    private final String backend;
    private final String feature;

    /**
     * @param backend the backend that refused
     * @param feature what it does not support, e.g. {@code persistent sessions}
     * @param problem the whole problem, without a trailing period
     * @param fix     what to do
     */
    public UnsupportedFeatureException(String backend, String feature, String problem, String fix) {
        super(problem, fix);
        this.backend = backend;
        this.feature = feature;
    }

    /** @return the backend that refused */
    public String backend() {
        return backend;
    }

    /** @return what it does not support */
    public String feature() {
        return feature;
    }
}

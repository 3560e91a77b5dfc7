package dev.vyre.protocol;

/**
 * A backend, a device or a buffer handed to one failed.
 * The detail text ends with its own {@code Fix:}, as in vyre; the message is
 * {@code backend error: <detail>}.
 */
public non-sealed class BackendException extends PipelineException {
    private static final long serialVersionUID = 1L;

    private final String detail;

    /**
     * @param problem what went wrong, without a trailing period
     * @param fix     what to do
     */
    public BackendException(String problem, String fix) {
        this(problem, fix, null);
    }

    public BackendException(String problem, String fix, Throwable cause) {
        super("backend error: " + problem, fix, cause);
        this.detail = problem + ". Fix: " + fix;
    }

    /** Wraps a protocol error as vyre's facade does: {@code Backend(protocol_error.to_string())}. */
    public static BackendException of(ProtocolException e) {
        return new BackendException(e.problem(), e.fix(), e);
    }

    /** @return the text after {@code backend error: } */
    public String detail() {
        return detail;
    }
}

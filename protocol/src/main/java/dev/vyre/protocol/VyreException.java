package dev.vyre.protocol;

/**
 * Root of every error vyre-java throws. The message always ends with {@code Fix: <what to do>}.
 */
public abstract sealed class VyreException extends RuntimeException
        permits ProtocolException, PipelineException, SlotBusyException, UnsupportedFeatureException {

    private static final long serialVersionUID = 1L;

    private final String problem;
    private final String fix;

    /**
     * @param problem what went wrong, without a trailing period
     * @param fix     what the caller should do about it
     */
    protected VyreException(String problem, String fix) {
        this(problem, fix, null);
    }

    protected VyreException(String problem, String fix, Throwable cause) {
        super(problem + ". Fix: " + fix, cause);
        this.problem = problem;
        this.fix = fix;
    }

    /** @return the problem part of the message (the text before {@code . Fix: }) */
    public final String problem() {
        return problem;
    }

    /** @return the remedy part of the message (the text after {@code Fix: }) */
    public final String fix() {
        return fix;
    }
}

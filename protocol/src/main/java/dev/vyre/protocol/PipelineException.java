package dev.vyre.protocol;

/**
 * An operation on the runtime failed. Every strict
 * ({@code try...}) method of the {@code Megakernel} facade throws a subtype of this.
 */
public abstract sealed class PipelineException extends VyreException
        permits QueueFullException, BackendException, SyscallException, ReplayLogException {

    private static final long serialVersionUID = 1L;

    protected PipelineException(String problem, String fix) {
        super(problem, fix);
    }

    protected PipelineException(String problem, String fix, Throwable cause) {
        super(problem, fix, cause);
    }
}

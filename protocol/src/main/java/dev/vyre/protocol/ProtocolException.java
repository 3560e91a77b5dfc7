package dev.vyre.protocol;

/**
 * A buffer does not have the VIR0 shape a codec needs.
 * Thrown by the strict protocol codecs; the {@code Megakernel} facade maps it to a
 * {@link PipelineException} exactly as vyre 0.6.3 does.
 */
public abstract sealed class ProtocolException extends VyreException
        permits ByteLengthOverflowException, MisalignedByteLengthException, MissingWordException {

    private static final long serialVersionUID = 1L;

    private final String buffer;

    protected ProtocolException(String buffer, String problem, String fix) {
        super(problem, fix);
        this.buffer = buffer;
    }

    /** @return the protocol buffer the error is about ({@code "control"}, {@code "ring"}, ...) */
    public final String buffer() {
        return buffer;
    }

    /**
     * Maps this error as vyre's {@code Megakernel::} wrappers do: a
     * {@link ByteLengthOverflowException} becomes {@code QueueFull{"submission", fix}} (the
     * buffer name is dropped); every other kind becomes {@code Backend(<this message>)}.
     *
     * @return the {@link PipelineException} the strict facade methods throw
     */
    public final PipelineException toPipelineException() {
        if (this instanceof ByteLengthOverflowException) {
            return QueueFullException.submission(fix());
        }
        return BackendException.of(this);
    }
}

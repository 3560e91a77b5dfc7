package dev.vyre.protocol;

/**
 * A buffer does not have the VIR0 shape a codec needs (vyre's {@code ProtocolError}).
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
}

package dev.vyre.protocol;

/** A length or index does not fit the u32 word ABI or an allocation cap. */
public final class ByteLengthOverflowException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public ByteLengthOverflowException(String buffer, String fix) {
        super(buffer, buffer + " byte length overflow", fix);
    }
}

package dev.vyre.protocol;

/** A buffer's byte length is not a whole number of the units a codec needs. */
public final class MisalignedByteLengthException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    private final long byteLength;

    public MisalignedByteLengthException(String buffer, long byteLength, String fix) {
        super(buffer, buffer + " has " + byteLength + " bytes, not a whole number of u32 words", fix);
        this.byteLength = byteLength;
    }

    /** @return the offending byte length */
    public long byteLength() {
        return byteLength;
    }
}

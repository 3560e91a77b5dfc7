package dev.vyre.protocol;

/** A word a codec needs lies beyond the end of the buffer. */
public final class MissingWordException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    private final long wordIndex;
    private final long byteLength;

    public MissingWordException(String buffer, long wordIndex, long byteLength, String fix) {
        super(buffer, buffer + " is missing word " + Long.toUnsignedString(wordIndex) + " in " + byteLength + " bytes", fix);
        this.wordIndex = wordIndex;
        this.byteLength = byteLength;
    }

    /** @return the index of the first missing u32 word (unsigned 64-bit) */
    public long wordIndex() {
        return wordIndex;
    }

    /** @return the byte length of the buffer that was decoded */
    public long byteLength() {
        return byteLength;
    }
}

package dev.vyre.spi.cache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The bytes of one disk-store file: a header naming the key, the artifact, and a checksum footer.
 * All integers little-endian.
 *
 * <pre>
 * offset 0        4  magic "VYCA"
 *        4        1  format version (2)
 *        5        3  zero
 *        8        4  key length K
 *        12       4  artifact length P
 *        16       K  the key: fingerprint, backend, device, compiler, each a u16 length and UTF-8
 *        16+K     P  the artifact
 *        16+K+P   4  CRC-32C of bytes 0 .. 16+K+P (the footer)
 * </pre>
 *
 * A file is valid only when every field agrees with its length, the footer matches and the key is the
 * one asked for; anything else (a truncated write, a flipped bit, a file copied from another key, a file
 * of format 1, whose footer was a SHA-256) is a miss. The footer detects damage, not tampering (a writer
 * of the cache directory can rewrite any footer); a CRC-32C costs a warm start about 2 ms where a
 * SHA-256 in a new JVM costs 20-30 ms for a CUDA kernel's CUBIN (docs/PERFORMANCE.md).
 */
final class ArtifactFile {

    static final int HEADER = 16;
    static final int FOOTER = 4;
    static final int VERSION = 2;
    private static final byte[] MAGIC = {'V', 'Y', 'C', 'A'};
    /** Largest key encoding accepted on read. */
    private static final int MAX_KEY = 4 * (2 + 4 * CacheKey.MAX_TEXT);

    private ArtifactFile() {
    }

    /** Why a file was refused; the message is the reason, for the log line. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        /** True for an intact file of an older format: expected once after an upgrade, not damage. */
        final boolean outdated;

        Invalid(String reason) {
            this(reason, false);
        }

        Invalid(String reason, boolean outdated) {
            super(reason, null, false, false);
            this.outdated = outdated;
        }
    }

    /** @return the file's bytes for {@code artifact} under {@code key} */
    static byte[] encode(CacheKey key, byte[] artifact) {
        byte[] k = key.encode();
        ByteBuffer b = ByteBuffer.allocate(HEADER + k.length + artifact.length + FOOTER).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) VERSION).put(new byte[3]).putInt(k.length).putInt(artifact.length).put(k).put(artifact);
        b.putInt(crc(b.array(), b.position()));
        return b.array();
    }

    /** @return the CRC-32C of {@code bytes[0 .. length)} */
    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    /** @return the largest file an artifact of {@code maxArtifact} bytes makes */
    static long maxFileBytes(long maxArtifact) {
        return HEADER + MAX_KEY + maxArtifact + FOOTER;
    }

    /**
     * @return the artifact in {@code file}
     * @throws Invalid when {@code file} is not a whole, intact file of {@code key}
     */
    static byte[] decode(byte[] file, CacheKey key, long maxArtifact) throws Invalid {
        if (file.length < HEADER + FOOTER) {
            throw new Invalid("is truncated (" + file.length + " bytes, shorter than header and footer)");
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (!Arrays.equals(file, 0, 4, MAGIC, 0, 4)) {
            throw new Invalid("is not a compile-cache file (wrong magic)");
        }
        boolean reservedZero = file[5] == 0 && file[6] == 0 && file[7] == 0;
        if (file[4] != VERSION || !reservedZero) {
            throw new Invalid("has format version " + (file[4] & 0xFF) + " (this build reads " + VERSION + ")",
                    reservedZero && file[4] > 0 && file[4] < VERSION);
        }
        long keyLength = Integer.toUnsignedLong(b.getInt(8));
        long artifactLength = Integer.toUnsignedLong(b.getInt(12));
        if (keyLength > MAX_KEY || artifactLength > maxArtifact) {
            throw new Invalid("declares a " + keyLength + "-byte key and a " + artifactLength
                    + "-byte artifact, beyond the limits");
        }
        long expected = HEADER + keyLength + artifactLength + FOOTER;
        if (file.length != expected) {
            throw new Invalid(file.length < expected ? "is truncated (" + file.length + " of " + expected + " bytes)"
                    : "has " + (file.length - expected) + " trailing bytes");
        }
        int bodyEnd = (int) (expected - FOOTER);
        if (crc(file, bodyEnd) != b.getInt(bodyEnd)) {
            throw new Invalid("fails its checksum (the CRC-32C footer does not match its contents)");
        }
        byte[] k = key.encode();
        if (!Arrays.equals(file, HEADER, HEADER + (int) keyLength, k, 0, k.length)) {
            throw new Invalid("holds the artifact of another key");
        }
        return Arrays.copyOfRange(file, HEADER + (int) keyLength, bodyEnd);
    }
}

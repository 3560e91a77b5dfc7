package dev.vyre.uring;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.zip.CRC32C;

/** Test helpers: a reference-backend session with a data buffer, file CRCs computed independently. */
final class Sessions {
    private Sessions() {
    }

    static Vyre reference() {
        return Vyre.open("reference");
    }

    static Session open(Vyre vyre, int slots, long dataBytes, int tenants) {
        return vyre.openSession(SessionOptions.builder().slotCount(slots).observableSlots(slots)
                .dataBufferBytes(dataBytes).tenantCount(tenants).workers(1).ioWaitTimeout(Duration.ofSeconds(5))
                .build());
    }

    /** @return CRC-32C of {@code length} bytes at {@code offset} of {@code file}, read with a plain FileChannel */
    static int fileCrc(Path file, long offset, int length) throws java.io.IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(length);
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    break;
                }
            }
            buf.flip();
            CRC32C crc = new CRC32C();
            crc.update(buf);
            return (int) crc.getValue();
        }
    }
}

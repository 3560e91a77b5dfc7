package dev.vyre.backend.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The data buffer starts on a 2 MiB boundary once it holds a whole 2 MiB page (so io_uring readers can back
 * all of it with huge pages), on a 4096-byte boundary (O_DIRECT) below that, and is zero either way.
 */
class DataBufferAlignmentTest {

    @ParameterizedTest(name = "{0} bytes: aligned to {1}")
    @CsvSource({"4096, 4096", "1048576, 4096", "2097151, 4096", "2097152, 2097152", "16777216, 2097152",
            "20975616, 2097152"})
    void dataBufferAlignment(long bytes, long alignment) {
        assertEquals(alignment, ReferenceDriver.dataAlignment(bytes));
        try (Vyre vyre = Vyre.open(new ReferenceBackendProvider());
             Session s = vyre.openSession(SessionOptions.builder().slotCount(4).dataBufferBytes(bytes).build())) {
            MemorySegment data = s.dataBuffer();
            assertEquals(bytes, data.byteSize());
            assertEquals(0, data.address() % alignment, "address 0x" + Long.toHexString(data.address()));
            assertEquals(-1, data.asByteBuffer().mismatch(MemorySegment.ofArray(new byte[(int) bytes]).asByteBuffer()),
                    "a fresh data buffer is zero");
        }
    }
}

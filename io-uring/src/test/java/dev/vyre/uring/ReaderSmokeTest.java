package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReaderSmokeTest {
    @TempDir
    Path dir;

    @Test
    void readsFixed() throws Exception {
        byte[] bytes = new byte[100_000];
        new Random(1).nextBytes(bytes);
        Path f = Files.write(dir.resolve("a"), bytes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(1 << 20, 4096);
            try (UringFileReader r = new UringFileReader(buf, 8, true)) {
                assertEquals(true, r.fixedBuffers());
                int fd = NativeFiles.openRead(f, false);
                long[] got = new long[3];
                r.submitRead(fd, 0, 4096, 100_000, 100_000, 7);
                while (r.inFlight() > 0) {
                    r.reap((t, b, e) -> { got[0] = t; got[1] = b; got[2] = e; }, 1_000_000_000L);
                }
                NativeFiles.close(fd);
                assertArrayEquals(new long[] {7, 100_000, 0}, got);
                assertArrayEquals(bytes, buf.asSlice(4096, 100_000).toArray(ValueLayout.JAVA_BYTE));
            }
        }
    }
}

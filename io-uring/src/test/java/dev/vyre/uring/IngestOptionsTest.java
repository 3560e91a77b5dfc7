package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.VyreArgumentException;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Out-of-range options are refused with the option's name and its range, never as a full queue. */
class IngestOptionsTest {

    private static void refused(String parameter, String range, Consumer<IngestOptions.Builder> set) {
        IngestOptions.Builder b = IngestOptions.builder();
        set.accept(b);
        VyreArgumentException e = assertThrows(VyreArgumentException.class, b::build);
        assertEquals(parameter, e.parameter());
        assertTrue(e.getMessage().contains(range) && e.getMessage().contains("Fix: ")
                && !e.getMessage().contains("queue at capacity"), e.getMessage());
    }

    @Test
    void everyRangeIsNamed() {
        refused("queueDepth", "outside 1..4096", b -> b.queueDepth(0));
        refused("queueDepth", "outside 1..4096", b -> b.queueDepth(100_000));
        refused("queueDepth", "outside 1..4096", b -> b.queueDepth(-1));
        refused("chunkBytes", "outside 1..1073741824", b -> b.chunkBytes(0));
        refused("opcode", "cannot be published", b -> b.opcode(0x0000FFF7));
        refused("firstSlot", "negative", b -> b.firstSlot(-1));
        refused("stallTimeout", "not positive", b -> b.stallTimeout(Duration.ZERO));
        refused("idleTimeout", "negative", b -> b.idleTimeout(Duration.ofSeconds(-1)));
    }

    @Test
    void defaultsWaitWithoutAnIdleLimit() {
        assertEquals(Duration.ZERO, IngestOptions.defaults().idleTimeout());
        assertEquals(4096, IngestOptions.builder().queueDepth(4096).build().queueDepth());
    }
}

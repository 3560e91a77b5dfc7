package dev.vyre.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Slots;
import dev.vyre.api.Vyre;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The README's "custom opcode written once" example, verbatim, runs and gives the value its comment states. */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleRunsAsWritten() {
        int observed;
        // ---- README.md, "Using the API from Java": from here ----
        // opcode 0x2001: observable a1 += a0 * a0 (u32, wrapping)
        Program square = Program.build(b -> {
            Expr.Ref x = b.let(Ir.arg(0));
            Expr word = Ir.add(Ir.u64(Slots.observable(0)), Ir.asU64(Ir.arg(1)));   // a 64-bit sum: a1 = 0xFFFFFFFF is out of range
            b.atomicAdd(word, Ir.mul(x, x));
        });
        SessionOptions options = SessionOptions.builder().slotCount(64).observableSlots(16)
                .opcodes(IrOpcodes.irOpcode(0x2001, square)).build();
        try (Vyre vyre = Vyre.open(); Session session = vyre.openSession(options)) {
            session.publish(0, 0, 0x2001, 12, 3, 0);                                 // observable 3 += 12 * 12
            session.awaitSlotStatus(0, Slots.DONE, Duration.ofSeconds(10));
            int result = session.controlWord(Slots.observable(3));                   // 144
            // ---- to here ----
            observed = result;
        }
        assertEquals(144, observed);
    }

    /** The README holds the same lines, so neither copy drifts alone. */
    @Test
    void theReadmeHoldsTheseLines() throws Exception {
        java.util.Set<String> readme = Files.readString(Path.of("../README.md")).lines().map(String::strip)
                .collect(java.util.stream.Collectors.toSet());
        String test = Files.readString(Path.of("src/test/java/dev/vyre/ir/ReadmeExampleTest.java"));
        String body = test.substring(test.indexOf("from here ----") + "from here ----".length(),
                test.indexOf("// ---- to here"));
        java.util.List<String> lines = body.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        assertTrue(lines.size() > 10, "the example: " + lines);
        for (String line : lines) {
            assertTrue(readme.contains(line), "README.md lacks the example's line: " + line);
        }
    }
}

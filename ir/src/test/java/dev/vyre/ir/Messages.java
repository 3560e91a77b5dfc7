package dev.vyre.ir;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** Assertions on IR error messages: they name the node and end in a single {@code Fix: ...}. */
final class Messages {
    private Messages() {
    }

    /** Asserts {@code body} throws an IrException naming {@code node} whose message contains each of {@code parts}. */
    static IrException assertRefused(Executable body, String node, String... parts) {
        IrException e = assertThrows(IrException.class, body);
        String m = e.getMessage();
        assertTrue(e.node().contains(node), () -> "node '" + e.node() + "' does not name " + node + ": " + m);
        assertTrue(m.startsWith(e.node() + ": "), m);
        for (String p : parts) {
            assertTrue(m.contains(p), () -> "'" + m + "' lacks '" + p + "'");
        }
        assertFixed(m);
        return e;
    }

    static void assertFixed(String m) {
        int fix = m.indexOf(". Fix: ");
        assertTrue(fix > 0 && m.indexOf(". Fix: ", fix + 1) < 0 && m.length() > fix + 8, () -> "no single Fix: in " + m);
    }
}

package dev.vyre.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@link CEmitter#isAtom} accepts exactly the names and literals of its contract (the regular expression below). */
class CEmitterAtomTest {

    private static final Pattern ATOM = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*|0x[0-9A-Fa-f]+[uUL]*");

    @Test
    void acceptsExactlyWhatTheContractsExpressionAccepts() {
        String[] fixed = {"", "0", "0x", "0xu", "0x1", "0x1Fu", "0x1FuL", "0xFFFFFFFFFFFFFFFFUL", "0X1", "0x1g", "x0",
                "ir_v12", "_", "__a9", "9a", "true", "false", "a b", "(a)", "ir_v1 + 1u", "0x1Fu;", "a-b", "é", "0x١"};
        for (String s : fixed) {
            assertEquals(ATOM.matcher(s).matches(), CEmitter.isAtom(s), "'" + s + "'");
        }
        String alphabet = "0xX1aFgu_UL Zz9(;é";
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(7);
            for (int k = 0; k < n; k++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String s = (random.nextInt(3) == 0 ? "0x" : "") + b;
            assertEquals(ATOM.matcher(s).matches(), CEmitter.isAtom(s), "'" + s + "'");
        }
    }
}

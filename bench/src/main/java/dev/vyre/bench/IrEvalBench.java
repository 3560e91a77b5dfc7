package dev.vyre.bench;

import dev.vyre.conformance.IrFuzzer;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Ir;
import dev.vyre.ir.IrOpcodes;
import dev.vyre.ir.Program;
import dev.vyre.ir.Programs;
import dev.vyre.ir.testing.BoundedSlotContext;
import dev.vyre.protocol.OpcodeHandler;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The two Java bodies of an IR opcode side by side, in one JVM: the tree-walking evaluator
 * ({@code IrOpcodes.interpreted}) and the program compiled to JVM bytecode ({@code IrOpcodes.java}, a
 * {@code CompiledIrHandler}), in nanoseconds per slot over an array-backed slot context
 * ({@code BoundedSlotContext}, no backend):
 * <ul>
 * <li><b>crc32c</b>: {@code Programs.crc32c(4096)} over 256 data bytes per slot (bit by bit: 2,048 inner
 * iterations);</li>
 * <li><b>dfa</b>: a table walk shaped like the scan opcode's inner loop: per data word, four byte classes
 * from a class map and four transitions through a 64-state table held in the data buffer, counting
 * accepting states, over 1 KiB per slot;</li>
 * <li><b>mix</b>: 64 random programs of the conformance fuzzer ({@code IrFuzzer.batch(3, 64, 1, false)}: every node
 * and statement kind, hostile values), run in turn.</li>
 * </ul>
 * Before timing, every workload's compiled and evaluated bodies are run on equal contexts and must leave
 * equal control words and pass the context no out-of-range index (exit 1 otherwise).
 *
 * <pre>
 * java -cp "lib/*:vyre-bench.jar" dev.vyre.bench.IrEvalBench [--seconds S] [--rounds N]
 * </pre>
 * {@code --seconds}: time per measurement round (default 1); {@code --rounds}: rounds per body, the best
 * is reported (default 5).
 */
public final class IrEvalBench {
    private static final int CONTROL_WORDS = 1024;

    private IrEvalBench() {
    }

    /** Entry point; see the class comment. */
    public static void main(String[] argv) {
        double seconds = 1;
        int rounds = 5;
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (i + 1 >= argv.length || !(a.equals("--seconds") || a.equals("--rounds"))) {
                System.err.println("IrEvalBench: unknown or incomplete argument '" + a
                        + "'. Fix: use [--seconds S] [--rounds N]");
                System.exit(2);
            }
            try {
                if (a.equals("--seconds")) {
                    seconds = Double.parseDouble(argv[++i]);
                } else {
                    rounds = Integer.parseInt(argv[++i]);
                }
            } catch (NumberFormatException e) {
                System.err.println("IrEvalBench: " + a + " needs a number. Fix: pass e.g. " + a + " 2");
                System.exit(2);
            }
            if (seconds <= 0 || seconds > 600 || rounds < 1 || rounds > 1000) {
                System.err.println("IrEvalBench: --seconds must be in (0, 600] and --rounds in 1..1000."
                        + " Fix: pass values in range");
                System.exit(2);
            }
        }
        System.out.printf(Locale.ROOT, "IrEvalBench: JDK %s, %d CPUs, %.1f s x %d rounds per body%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), seconds, rounds);
        System.out.printf(Locale.ROOT, "%-8s %14s %14s %8s%n", "workload", "evaluator", "compiled", "speedup");
        boolean ok = true;
        for (Workload w : List.of(crc(), dfa(), mix())) {
            ok &= w.verify();
            double interpreted = w.nsPerSlot(w.interpreted, seconds, rounds);
            double compiled = w.nsPerSlot(w.compiled, seconds, rounds);
            System.out.printf(Locale.ROOT, "%-8s %11.1f ns %11.1f ns %7.2fx%n", w.name, interpreted, compiled,
                    interpreted / compiled);
        }
        System.out.println(ok ? "verified: compiled and evaluated bodies left equal control words"
                : "FAILED: compiled and evaluated bodies differ");
        System.exit(ok ? 0 : 1);
    }

    private static Workload crc() {
        byte[] data = new byte[4096];
        new Random(1).nextBytes(data);
        return new Workload("crc32c", List.of(Programs.crc32c(4096)), data, new int[] {0, 256, 0});
    }

    /** A scan-shaped DFA walk: 256 class-map words at word 0, a 64 x 16 transition table at word 64, text after it. */
    private static Workload dfa() {
        int states = 64;
        int classes = 16;
        int table = 64;
        int text = table + states * classes;
        int textBytes = 1024;
        byte[] data = new byte[text * 4 + textBytes];
        Random rnd = new Random(2);
        for (int b = 0; b < 256; b++) {
            putWord(data, b / 4 * 4, 0); // class map: one byte per entry, 4 per word
            data[b] = (byte) rnd.nextInt(classes);
        }
        for (int s = 0; s < states * classes; s++) {
            putWord(data, (table + s) * 4, rnd.nextInt(states));
        }
        for (int i = text * 4; i < data.length; i++) {
            data[i] = (byte) rnd.nextInt();
        }
        Program p = Program.build(b -> {
            Expr.Ref first = b.let(Ir.arg(0));
            Expr.Ref state = b.var(Ir.u32(0));
            Expr.Ref hits = b.var(Ir.u32(0));
            b.loop(Ir.arg(1), 1 << 15, (body, i) -> {
                Expr.Ref word = body.let(Ir.loadDataWord(Ir.add(first, i)));
                for (int k = 0; k < 4; k++) {
                    Expr.Ref cls = body.let(Ir.loadDataByte(Ir.and(Ir.shr(word, Ir.u32(8 * k)), Ir.u32(0xFF))));
                    body.set(state, Ir.loadDataWord(Ir.add(Ir.u32(table), Ir.add(Ir.mul(state, Ir.u32(classes)), cls))));
                    body.set(hits, Ir.add(hits, Ir.asU32(Ir.lt(state, Ir.u32(4)))));
                }
            });
            b.store(Ir.add(Ir.u32(160), Ir.arg(2)), hits);
        });
        return new Workload("dfa", List.of(p), data, new int[] {text, textBytes / 4, 0});
    }

    private static Workload mix() {
        List<Program> programs = IrFuzzer.batch(3, 64, 1, false).programs();
        byte[] data = new byte[512];
        new Random(4).nextBytes(data);
        return new Workload("mix", programs, data, new int[] {7, 0xFFFFFFFF, 32, 160, 5, 1, 0x80000000, 3, 2, 1, 0, 9});
    }

    private static void putWord(byte[] data, int at, int v) {
        data[at] = (byte) v;
        data[at + 1] = (byte) (v >>> 8);
        data[at + 2] = (byte) (v >>> 16);
        data[at + 3] = (byte) (v >>> 24);
    }

    private static final class Workload {
        final String name;
        final OpcodeHandler[] interpreted;
        final OpcodeHandler[] compiled;
        final BoundedSlotContext context;

        Workload(String name, List<Program> programs, byte[] data, int[] args) {
            this.name = name;
            this.interpreted = programs.stream().map(IrOpcodes::interpreted).toArray(OpcodeHandler[]::new);
            this.compiled = programs.stream().map(IrOpcodes::java).toArray(OpcodeHandler[]::new);
            this.context = new BoundedSlotContext(CONTROL_WORDS, data).args(args).identity(0x2001, 0, 0);
        }

        boolean verify() {
            for (int i = 0; i < interpreted.length; i++) {
                BoundedSlotContext a = context.copy();
                BoundedSlotContext b = context.copy();
                interpreted[i].execute(a);
                compiled[i].execute(b);
                if (!java.util.Arrays.equals(a.control(), b.control())) {
                    System.out.println(name + ": program " + i + " differs between the compiled and evaluated body");
                    return false;
                }
                if (a.outOfRangeCalls() + b.outOfRangeCalls() != 0) {
                    System.out.println(name + ": program " + i + " passed an out-of-range index to the slot context");
                    return false;
                }
            }
            return true;
        }

        /** @return the best round's nanoseconds per slot */
        double nsPerSlot(OpcodeHandler[] bodies, double seconds, int rounds) {
            double best = Double.MAX_VALUE;
            long budget = (long) (seconds * 1e9);
            for (int r = 0; r <= rounds; r++) { // round 0 warms up
                long slots = 0;
                long start = System.nanoTime();
                long now;
                do {
                    for (OpcodeHandler h : bodies) {
                        h.execute(context);
                    }
                    slots += bodies.length;
                    now = System.nanoTime();
                } while (now - start < budget);
                if (r > 0) {
                    best = Math.min(best, (double) (now - start) / slots);
                }
            }
            return best;
        }
    }
}

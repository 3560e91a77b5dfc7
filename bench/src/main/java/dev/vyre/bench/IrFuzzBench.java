package dev.vyre.bench;

import dev.vyre.api.BackendInfo;
import dev.vyre.api.Vyre;
import dev.vyre.conformance.Buffers;
import dev.vyre.conformance.ConformanceRunner;
import dev.vyre.conformance.IrFuzzer;
import dev.vyre.conformance.Requirement;
import dev.vyre.ir.Program;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The long run of the IR differential fuzzer ({@link IrFuzzer}): random well-formed IR programs on random
 * slots, batch after batch, on every available backend (or those named), one dispatch and, where the backend
 * runs them, persistent sessions. Every backend's buffers must equal the host model's and, byte for byte, the
 * reference backend's. Prints the programs run per backend and, at the first divergence, the slot, its
 * arguments, the program's listing and canonical encoding (hex, for {@code --replay}); exits 1 on a divergence,
 * 2 on a usage error.
 *
 * <pre>
 * IrFuzzBench [--seconds N] [--seed S] [--batches N] [--backends a,b] [--programs N] [--slots N]
 *             [--mode one-pass|session|both] [--maximal-loops auto|on|off] [--replay HEX]
 * </pre>
 *
 * Batch {@code i} is drawn from seed {@code S + i}, so a divergence reproduces with {@code --seed} of its batch
 * and {@code --batches 1}, or with {@code --replay} of its program.
 */
public final class IrFuzzBench {

    private IrFuzzBench() {
    }

    /** Parsed arguments. */
    record Options(double seconds, long seed, long batches, List<String> backends, int programs, int slots,
                   boolean onePass, boolean session, String maximalLoops, Program replay) {
    }

    public static void main(String[] args) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("IrFuzzBench: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(o, System.out, System.err));
    }

    /** @return the options, or throws with one line ending in "Fix: ..." */
    static Options parse(String[] args) {
        double seconds = 60;
        long seed = 1;
        long batches = Long.MAX_VALUE;
        List<String> backends = List.of();
        int programs = 8;
        int slots = 2;
        String mode = "both";
        String maximal = "auto";
        Program replay = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value or is unknown. Fix: run with --seconds N --seed S"
                        + " [--batches N] [--backends a,b] [--programs N] [--slots N] [--mode one-pass|session|both]"
                        + " [--maximal-loops auto|on|off] [--replay HEX]");
            }
            String v = args[++i];
            switch (a) {
                case "--seconds" -> seconds = number(a, v, 0, 1e7);
                case "--seed" -> seed = seed(v);
                case "--batches" -> batches = (long) number(a, v, 1, 1e12);
                case "--backends" -> backends = List.of(v.split(","));
                case "--programs" -> programs = (int) number(a, v, 3, 256);
                case "--slots" -> slots = (int) number(a, v, 1, 64);
                case "--mode" -> {
                    if (!List.of("one-pass", "session", "both").contains(v)) {
                        throw new IllegalArgumentException("--mode " + v + " is not a mode. Fix: pass one-pass, session"
                                + " or both");
                    }
                    mode = v;
                }
                case "--maximal-loops" -> {
                    if (!List.of("auto", "on", "off").contains(v)) {
                        throw new IllegalArgumentException("--maximal-loops " + v + " is not auto, on or off. Fix: pass"
                                + " one of them");
                    }
                    maximal = v;
                }
                case "--replay" -> {
                    try {
                        replay = Program.decode(HexFormat.of().parseHex(v));
                    } catch (IllegalArgumentException e) {   // IrException too
                        throw new IllegalArgumentException("--replay is not a program encoding (" + e.getMessage()
                                .replace(" Fix:", ";") + "). Fix: pass the hex a divergence printed after --replay");
                    }
                }
                default -> throw new IllegalArgumentException(a + " is not an option. Fix: run with --seconds N"
                        + " --seed S [--batches N] [--backends a,b] [--programs N] [--slots N]"
                        + " [--mode one-pass|session|both] [--maximal-loops auto|on|off] [--replay HEX]");
            }
        }
        return new Options(seconds, seed, batches, backends, programs, slots, !mode.equals("session"),
                !mode.equals("one-pass"), maximal, replay);
    }

    private static double number(String option, String v, double min, double max) {
        try {
            double d = Double.parseDouble(v);
            if (d >= min && d <= max) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(option + " " + v + " is outside " + fmt(min) + ".." + fmt(max) + ". Fix: pass"
                + " a number in that range");
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static long seed(String v) {
        try {
            return v.startsWith("0x") ? Long.parseUnsignedLong(v.substring(2), 16) : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed " + v + " is not a number. Fix: pass a decimal or 0x-prefixed"
                    + " hex seed");
        }
    }

    /** @return the exit status: 0 no divergence, 1 a divergence or nothing could run */
    static int run(Options o, PrintStream out, PrintStream err) {
        Vyre reference = ConformanceRunner.openOracle();
        if (reference == null) {
            err.println("IrFuzzBench: the reference backend (the oracle) is not on the class path or cannot run."
                    + " Fix: add vyre-backend-reference to the class path");
            return 1;
        }
        Map<String, Vyre> backends = new LinkedHashMap<>();
        try {
            backends.put(reference.name(), reference);
            for (BackendInfo info : Vyre.backends()) {
                String name = info.name();
                boolean named = o.backends().contains(name);
                if (name.equals(reference.name()) || (!o.backends().isEmpty() && !named)) {
                    continue;
                }
                if (!info.available()) {
                    if (named) {
                        err.println("IrFuzzBench: backend '" + name + "' cannot run here: " + info.reason());
                        return 1;
                    }
                    out.println("backend " + name + " skipped: " + info.reason());
                    continue;
                }
                backends.put(name, Vyre.open(name));
            }
            for (String wanted : o.backends()) {
                if (!backends.containsKey(wanted)) {
                    err.println("IrFuzzBench: no backend is called '" + wanted + "'. Fix: pick one of "
                            + Vyre.backends().stream().map(BackendInfo::name).toList());
                    return 1;
                }
            }
            return fuzz(o, reference, backends, out, err);
        } finally {
            backends.values().forEach(Vyre::close);
        }
    }

    private static int fuzz(Options o, Vyre reference, Map<String, Vyre> backends, PrintStream out, PrintStream err) {
        boolean longLoops = backends.values().stream().allMatch(Requirement.LONG_LOOPS::metBy);
        boolean maximal = switch (o.maximalLoops()) {
            case "on" -> true;
            case "off" -> false;
            default -> longLoops;
        };
        if (maximal && !longLoops) {
            out.println("note: --maximal-loops on with an llvmpipe backend: llvmpipe stops loops after 65535 iterations,"
                    + " so its results will differ");
        }
        for (Map.Entry<String, Vyre> e : backends.entrySet()) {
            Vyre v = e.getValue();
            out.println("backend " + e.getKey() + " on " + v.device().name() + (v.features().persistent()
                    ? " (one-pass and sessions)" : " (one-pass)"));
        }
        out.printf(Locale.ROOT, "IR fuzz: seed 0x%x, %s programs x %d slots a batch, maximal loops %s, for %s s%n",
                o.seed(), o.replay() != null ? "1 replayed" : Integer.toString(o.programs()), o.slots(), maximal ? "on" : "off",
                fmt(o.seconds()));
        Map<String, long[]> runs = new LinkedHashMap<>();   // backend -> {programs, slots, one-pass batches, session batches}
        backends.keySet().forEach(n -> runs.put(n, new long[4]));
        List<String> dropped = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + (long) (o.seconds() * 1e9);
        long batches = 0;
        while (batches < o.batches() && (batches == 0 || System.nanoTime() < deadline)) {
            long seed = o.seed() + batches;
            IrFuzzer.Batch batch = o.replay() != null ? IrFuzzer.replay(seed, o.replay(), o.slots())
                    : IrFuzzer.batch(seed, o.programs(), o.slots(), maximal);
            for (IrFuzzer.Mode mode : IrFuzzer.Mode.values()) {
                if (mode == IrFuzzer.Mode.ONE_PASS ? !o.onePass() : !o.session()) {
                    continue;
                }
                IrFuzzer.Result expected = IrFuzzer.run(batch, reference, mode);
                if (expected.divergence() != null) {
                    return diverged(expected.divergence(), err, runs);
                }
                count(runs.get(reference.name()), batch, mode);
                for (Map.Entry<String, Vyre> e : backends.entrySet()) {
                    Vyre v = e.getValue();
                    if (v == reference || dropped.contains(e.getKey()) || (mode == IrFuzzer.Mode.SESSION
                            && !v.features().persistent())) {
                        continue;
                    }
                    IrFuzzer.Result r = IrFuzzer.run(batch, v, mode);
                    if (r.skipped() != null) {
                        out.println("backend " + e.getKey() + " dropped: " + r.skipped());
                        dropped.add(e.getKey());
                        continue;
                    }
                    IrFuzzer.Divergence d = r.divergence() != null ? r.divergence()
                            : IrFuzzer.compare(batch, e.getKey(), mode, reference.name(), expected.buffers(), r.buffers());
                    if (d != null) {
                        return diverged(d, err, runs);
                    }
                    count(runs.get(e.getKey()), batch, mode);
                }
            }
            batches++;
            if (batches % 10 == 0) {
                out.printf(Locale.ROOT, "%d batches in %.1f s%n", batches, (System.nanoTime() - start) / 1e9);
            }
        }
        out.printf(Locale.ROOT, "IR fuzz: %d batches (seeds 0x%x..0x%x) in %.1f s, no divergence%n", batches, o.seed(),
                o.seed() + batches - 1, (System.nanoTime() - start) / 1e9);
        summary(runs, out);
        boolean others = runs.entrySet().stream().anyMatch(e -> !e.getKey().equals(reference.name()) && e.getValue()[0] > 0);
        if (!others) {
            out.println("note: only the reference backend ran (against the host model); no other backend was compared");
        }
        return 0;
    }

    private static void count(long[] r, IrFuzzer.Batch batch, IrFuzzer.Mode mode) {
        r[0] += batch.programs().size();
        r[1] += batch.slotCount();
        r[mode == IrFuzzer.Mode.ONE_PASS ? 2 : 3]++;
    }

    private static void summary(Map<String, long[]> runs, PrintStream out) {
        runs.forEach((name, r) -> out.printf(Locale.ROOT, "programs run: %-10s %8d programs, %9d slots (%d one-pass"
                + " batches, %d session batches)%n", name, r[0], r[1], r[2], r[3]));
    }

    private static int diverged(IrFuzzer.Divergence d, PrintStream err, Map<String, long[]> runs) {
        summary(runs, System.out);
        err.print(d.describe());
        err.println("IrFuzzBench: " + d.backend() + " diverged. Fix: reproduce with the command above and fix the"
                + " backend's lowering of that program");
        return 1;
    }
}

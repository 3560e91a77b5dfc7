package dev.vyre.bench;

import dev.vyre.api.Vyre;
import dev.vyre.conformance.ConformanceFailure;
import dev.vyre.conformance.IoRace;
import java.time.Duration;

/**
 * Hammers LOAD_MISS with IO completions that land around the IO wait bound, where the host's completion
 * races the interpreter's take-back, and verifies that no update is lost ({@link IoRace}): every ring slot
 * ends DONE exactly when its completion was accepted OK, else FAULT; DONE_COUNT counts the accepted OKs;
 * every IO slot ends EMPTY.
 *
 * <p>Usage: {@code IoRaceCheck [--backend NAME] [--rounds N] [--slots 1..64] [--bound-ms MS] [--seed S]}
 * (defaults: the best backend, 50 rounds, 64 slots, 5 ms, seed 1). Prints one line per 10 rounds and a
 * summary. Exit 0 when every round was consistent and the race happened (some completions accepted,
 * some taken back); 1 on a lost update or when the race was never provoked; 2 on a usage error.
 */
public final class IoRaceCheck {

    private IoRaceCheck() {
    }

    public static void main(String[] args) {
        BenchMain.guard("IoRaceCheck", () -> runIoRaceCheck(args));
    }

    private static void runIoRaceCheck(String[] args) throws Exception {
        String backend = null;
        int rounds = 50;
        int slots = 64;
        long boundMs = 5;
        long seed = 1;
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--backend" -> backend = require(args[i], value);
                    case "--rounds" -> rounds = Integer.parseInt(require(args[i], value));
                    case "--slots" -> slots = Integer.parseInt(require(args[i], value));
                    case "--bound-ms" -> boundMs = Long.parseLong(require(args[i], value));
                    case "--seed" -> seed = Long.parseLong(require(args[i], value));
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
                i++;
            }
            if (rounds < 1 || slots < 1 || slots > 64 || boundMs < 1) {
                throw new IllegalArgumentException("--rounds >= 1, --slots 1..64 and --bound-ms >= 1 are required");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("IoRaceCheck: " + e.getMessage() + ". Fix: IoRaceCheck [--backend NAME] [--rounds N]"
                    + " [--slots 1..64] [--bound-ms MS] [--seed S]");
            System.exit(2);
            return;
        }
        try (Vyre vyre = Vyre.open(backend)) {
            System.out.println("IoRaceCheck: backend " + vyre.name() + " on " + vyre.device() + ", " + rounds
                    + " rounds of " + slots + " LOAD_MISS slots, IO wait bound " + boundMs + " ms, seed " + seed);
            IoRace.Tally total = new IoRace.Tally(0, 0, 0, 0, 0);
            long start = System.nanoTime();
            for (int done = 0; done < rounds; done += 10) {
                int n = Math.min(10, rounds - done);
                IoRace.Tally t = IoRace.run(vyre, n, slots, Duration.ofMillis(boundMs), seed + done);
                total = new IoRace.Tally(total.acceptedOk() + t.acceptedOk(), total.acceptedError() + t.acceptedError(),
                        total.takenBack() + t.takenBack(), total.unclaimed() + t.unclaimed(), total.rounds() + t.rounds());
                System.out.println("  " + total);
            }
            System.out.printf(java.util.Locale.ROOT, "IoRaceCheck: %s in %.1f s%n", total,
                    (System.nanoTime() - start) / 1e9);
            if (!total.raced()) {
                System.out.println("IoRaceCheck: NOT PROVOKED: no completion was both accepted and taken back;"
                        + " Fix: raise --rounds or change --bound-ms");
                System.exit(1);
            }
            System.out.println("IoRaceCheck: OK, no lost update");
        } catch (ConformanceFailure e) {
            System.out.println("IoRaceCheck: LOST UPDATE: " + e.getMessage());
            System.exit(1);
        }
    }

    private static String require(String flag, String value) {
        if (value == null) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return value;
    }
}

package dev.vyre.bench;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import java.util.List;
import java.util.Map;

/**
 * Opens one persistent session, publishes nothing for {@code --millis} milliseconds, and closes it: with
 * {@code -Dvyre.cuda.loops=true} the CUDA backend then prints its leader's mean loop period, which here is the idle
 * loop without the trace's own timing (docs/PERFORMANCE.md, the leader's loop budget).
 *
 * <pre>
 * LeaderIdleProbe [--backend cuda|vulkan|opencl|reference] [--millis N]
 * </pre>
 *
 * <p>Exit 0 once the session closed, 1 when it could not open or close, 2 on a usage error.
 */
public final class LeaderIdleProbe {

    private LeaderIdleProbe() {
    }

    public static void main(String[] argv) {
        BenchMain.guard("LeaderIdleProbe", () -> probe(argv));
    }

    private static void probe(String[] argv) throws Exception {
        String backend;
        long millis;
        try {
            Map<String, String> o = BenchArgs.options(argv, List.of("backend", "millis"), List.of());
            backend = o.getOrDefault("backend", "cuda");
            millis = Long.parseLong(o.getOrDefault("millis", "1500"));
            if (millis < 1 || millis > 600_000) {
                throw new IllegalArgumentException("--millis " + millis + " is outside 1..600000. Fix: give a"
                        + " number of milliseconds between 1 and 600000");
            }
        } catch (NumberFormatException e) {
            System.err.println("LeaderIdleProbe: --millis is not a whole number. Fix: give milliseconds, e.g. --millis 1500");
            System.exit(2);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("LeaderIdleProbe: " + e.getMessage());
            System.exit(2);
            return;
        }
        try (Vyre vyre = Vyre.open(backend);
                Session session = vyre.openSession(SessionOptions.builder().build())) {
            long end = System.nanoTime() + millis * 1_000_000L;
            while (System.nanoTime() - end < 0) {
                Thread.sleep(Math.max(1, (end - System.nanoTime()) / 1_000_000L));
            }
            System.out.printf("LeaderIdleProbe: %s session idle for %d ms, closing%n", backend, millis);
        }
    }
}

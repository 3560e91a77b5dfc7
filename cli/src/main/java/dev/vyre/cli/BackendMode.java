package dev.vyre.cli;

import dev.vyre.api.Features;
import dev.vyre.api.Vyre;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What an available backend can do, found by opening it ({@link Vyre#open(String)}), reading
 * {@link Vyre#features()} and closing it again, on a daemon thread under a time limit: a slow or failing
 * open becomes a one-line reason instead of a hang or a trace.
 *
 * @param features what the backend reported, or null when opening it failed or took too long
 * @param problem  why {@code features} is null (one line, no {@code Fix:}), else empty
 */
record BackendMode(Features features, String problem) {

    /** How long {@code vyre backends} waits for one backend to open. */
    static final Duration OPEN_LIMIT = Duration.ofSeconds(20);

    /** @return the backend called {@code name}, opened and closed within {@code limit} */
    static BackendMode of(String name, Duration limit) {
        FutureTask<Features> task = new FutureTask<>(() -> {
            try (Vyre vyre = Vyre.open(name)) {
                return vyre.features();
            }
        });
        Thread thread = Thread.ofPlatform().daemon().name("vyre-backends-open-" + name).start(task);
        try {
            return new BackendMode(task.get(limit.toNanos(), TimeUnit.NANOSECONDS), "");
        } catch (TimeoutException e) {
            thread.interrupt();
            return new BackendMode(null, "opening it took longer than " + Formats.seconds(limit.toMillis() / 1000.0));
        } catch (ExecutionException e) {
            return new BackendMode(null, "opening it failed: " + BackendChoice.withoutFix(OneLine.of(e.getCause(), "")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new BackendMode(null, "interrupted while opening it");
        }
    }

    /** @return {@code persistent}, {@code one-pass}, or {@code ?} when unknown */
    String label() {
        return features == null ? "?" : features.persistent() ? "persistent" : "one-pass";
    }
}

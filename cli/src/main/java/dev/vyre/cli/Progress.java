package dev.vyre.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A live progress line for a long run: {@code <label>  done / total unit  rate unit/s  ETA time},
 * rewritten in place ({@code \r}) at most ten times a second, and erased by {@link #close()}. It shows
 * only on a terminal: {@link #onTerminal} prints nothing at all when the process's console is not a
 * terminal (output piped or redirected, CI), so logs and parsed output never see it.
 *
 * <p>Use: {@code try (Progress p = Progress.onTerminal(err, "conform", cases, "cases")) { ...
 * p.update(doneBytes); ... }}. A total of 0 or less means unknown: the line then shows the count and the
 * rate, and an ETA only for a run that ends at a known time ({@link #until}). Byte quantities
 * ({@link #bytesOnTerminal}) show in decimal units ({@code 12.35 MB / 100.00 MB  45.67 MB/s}). Thread-safe:
 * {@link #update} and {@link #close} may come from different threads (an event loop and the main thread).
 */
final class Progress implements AutoCloseable {

    /** {@code endAt} of a run with no known end. */
    static final long NO_END = Long.MIN_VALUE;
    private static final long INTERVAL_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final boolean live;
    private final String label;
    private final long total;
    private final String unit;
    private final boolean byteUnits;
    private final LongSupplier clock;
    private final long start;
    private final long endAt;
    private long lastDraw = Long.MIN_VALUE;
    private int drawnWidth;

    /**
     * @param out   where the line goes (the command's stderr, so stdout stays clean)
     * @param live  whether to draw at all
     * @param label what runs, e.g. {@code publishSlots}
     * @param total units of the whole run, or 0 when unknown
     * @param unit  the unit's name, e.g. {@code slots}, {@code bytes}, {@code cases}
     * @param clock nanosecond clock
     * @param endAt the clock's value when a time-bounded run ends (its ETA when {@code total} is unknown),
     *              or {@link #NO_END}
     */
    Progress(PrintWriter out, boolean live, String label, long total, String unit, LongSupplier clock, long endAt) {
        this(out, live, label, total, unit, false, clock, endAt);
    }

    /** As above; with {@code byteUnits} the amounts are bytes, shown in decimal units ({@code unit} is unused). */
    Progress(PrintWriter out, boolean live, String label, long total, String unit, boolean byteUnits, LongSupplier clock,
             long endAt) {
        this.out = out;
        this.live = live;
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.byteUnits = byteUnits;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.endAt = endAt;
    }

    /**
     * @param total units of the whole run, or 0 when unknown
     * @return a progress line on {@code out} that draws only when this process runs on a terminal
     */
    static Progress onTerminal(PrintWriter out, String label, long total, String unit) {
        return new Progress(out, isTerminal(), label, total, unit, System::nanoTime, NO_END);
    }

    /**
     * @param totalBytes bytes of the whole run, or 0 when unknown
     * @return a progress line in byte units on {@code out} that draws only when this process runs on a terminal
     */
    static Progress bytesOnTerminal(PrintWriter out, String label, long totalBytes) {
        return new Progress(out, isTerminal(), label, totalBytes, "bytes", true, System::nanoTime, NO_END);
    }

    /**
     * @param endAtNanos the {@link System#nanoTime()} at which the time-bounded run is expected to end
     * @return a progress line for a run bounded by time, not by a count, drawn only on a terminal
     */
    static Progress until(PrintWriter out, String label, String unit, long endAtNanos) {
        return new Progress(out, isTerminal(), label, 0, unit, System::nanoTime, endAtNanos);
    }

    /** @return true when standard input and output are a terminal */
    static boolean isTerminal() {
        Console console = System.console();
        return console != null && console.isTerminal();
    }

    /** @return whether this line draws anything */
    boolean live() {
        return live;
    }

    /** Reports {@code done} units so far; redraws when 100 ms have passed since the last draw. */
    synchronized void update(long done) {
        if (!live) {
            return;
        }
        long now = clock.getAsLong();
        if (lastDraw != Long.MIN_VALUE && now - lastDraw < INTERVAL_NANOS) {
            return;
        }
        lastDraw = now;
        String line = line(done, now);
        int pad = Math.max(0, drawnWidth - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        drawnWidth = line.length();
    }

    /** @return the text of the line for {@code done} units at clock value {@code now} */
    String line(long done, long now) {
        double seconds = (now - start) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        StringBuilder b = new StringBuilder("  ").append(label).append("  ");
        if (byteUnits) {
            b.append(Formats.byteSize(done));
            if (total > 0) {
                b.append(" / ").append(Formats.byteSize(total));
            }
            b.append("  ").append(Formats.byteRate(done, seconds));
        } else {
            b.append(Formats.count(done));
            if (total > 0) {
                b.append(" / ").append(Formats.count(total));
            }
            b.append(' ').append(unit).append("  ").append(Formats.perSecond(rate)).append(' ').append(unit)
                    .append("/s");
        }
        if (total > 0) {
            b.append("  ETA ").append(done >= total ? "0 s" : rate > 0 ? eta((total - done) / rate) : "?");
        } else if (endAt != NO_END) {
            b.append("  ETA ").append(eta(Math.max(0, endAt - now) / 1e9));
        }
        return b.toString();
    }

    private static String eta(double seconds) {
        long s = (long) Math.ceil(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }

    /** Erases the line (when one was drawn), so the next output starts on a clean line. */
    @Override
    public synchronized void close() {
        if (live && drawnWidth > 0) {
            out.print("\r" + " ".repeat(drawnWidth) + "\r");
            out.flush();
            drawnWidth = 0;
        }
    }
}

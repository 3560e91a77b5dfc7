package dev.vyre.backend.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.SlotStatus;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A Java handler stuck in an infinite loop must not keep the JVM alive: a child JVM publishes a slot whose
 * handler never returns, calls {@code close()}, prints the close error and returns from main. It must exit on its
 * own (the workers are daemon threads, close gives up after its bounded wait) and report the stuck slot. A
 * handler that polls {@code SlotContext.abortRequested()} instead returns at close, and close succeeds.
 */
class StuckHandlerExitTest {

    private static final int SPIN_OP = 0x2100;
    private static final int POLL_OP = 0x2101;
    /** The child's stop timeout ({@code vyre.session.stopTimeoutMillis}). */
    private static final long STOP_MILLIS = 1_000;
    /** How long the child may take from start to exit (JVM start, session, close's wait, exit). */
    private static final long EXIT_BOUND_SECONDS = 60;

    /** The child: {@code spin} (a handler that never returns) or {@code poll} (one that polls the abort flag). */
    public static void main(String[] args) throws Exception {
        boolean spin = args[0].equals("spin");
        CustomOpcodes ops = CustomOpcodes.of(
                CustomOpcode.java(SPIN_OP, ctx -> {
                    while (ctx.loadControl(200) == 0) { // never set: spins forever, ignoring the abort flag
                        Thread.onSpinWait();
                    }
                }),
                CustomOpcode.java(POLL_OP, ctx -> {
                    while (!ctx.abortRequested()) {
                        Thread.onSpinWait();
                    }
                    ctx.storeControl(161, 7);
                }));
        Vyre vyre = Vyre.open(new ReferenceBackendProvider());
        Session s = vyre.openSession(SessionOptions.builder().slotCount(4).observableSlots(64).workers(1)
                .opcodes(ops).build());
        s.publish(2, 0, spin ? SPIN_OP : POLL_OP, 0, 0, 0);
        if (!s.awaitSlotStatus(2, SlotStatus.CLAIMED, Duration.ofSeconds(20))) {
            System.out.println("never CLAIMED");
            System.exit(3);
        }
        Thread.sleep(300);
        long t0 = System.nanoTime();
        try {
            s.close();
            System.out.println("closed cleanly");
        } catch (BackendException e) {
            System.out.println("close failed: " + e.getMessage());
        }
        System.out.println("close took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        // main returns without System.exit and without closing vyre: only daemon threads may be left
    }

    private static Child run(String mode) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cp = new ArrayList<>();
        for (String key : List.of("jdk.module.path", "java.class.path")) {
            String v = System.getProperty(key);
            if (v != null && !v.isBlank()) {
                cp.add(v);
            }
        }
        List<String> cmd = List.of(javaBin, "-Dvyre.session.stopTimeoutMillis=" + STOP_MILLIS, "-cp",
                String.join(File.pathSeparator, cp), StuckHandlerExitTest.class.getName(), mode);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        boolean exited = p.waitFor(EXIT_BOUND_SECONDS, TimeUnit.SECONDS);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        if (!exited) {
            p.destroyForcibly().waitFor();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Child(exited, exited ? p.exitValue() : -1, millis, out);
    }

    private record Child(boolean exited, int exitCode, long millis, String output) {
    }

    @Test
    void aHandlerThatNeverReturnsDoesNotKeepTheJvmAliveAndCloseNamesItsSlot() throws Exception {
        Child c = run("spin");
        assertTrue(c.exited(), () -> "the child JVM did not exit within " + EXIT_BOUND_SECONDS + " s: " + c.output());
        assertEquals(0, c.exitCode(), c::output);
        String line = c.output().lines().filter(l -> l.startsWith("close failed: ")).findFirst().orElse("");
        assertTrue(line.contains("did not stop within " + STOP_MILLIS + " ms of SHUTDOWN"), c::output);
        assertTrue(line.contains("CLAIMED 1,") && line.contains("CLAIMED slots: 2 for >= "), c::output);
        long claimedMillis = Long.parseLong(line.replaceAll(".*CLAIMED slots: 2 for >= (\\d+) ms.*", "$1"));
        assertTrue(claimedMillis >= STOP_MILLIS, () -> "the stuck slot's age " + claimedMillis + " ms: " + line);
        assertTrue(line.indexOf("Fix: ") == line.lastIndexOf("Fix: ") && line.contains("Fix: "), line);
        assertTrue(line.contains("vyre_abort_requested") && line.contains("abortRequested"), line);
    }

    @Test
    void aHandlerThatPollsTheAbortFlagReturnsAtClose() throws Exception {
        Child c = run("poll");
        assertTrue(c.exited(), c::output);
        assertEquals(0, c.exitCode(), c::output);
        assertTrue(c.output().contains("closed cleanly"), c::output);
        long closeMillis = Long.parseLong(c.output().replaceAll("(?s).*close took (\\d+) ms.*", "$1"));
        assertTrue(closeMillis < STOP_MILLIS, () -> "close waited " + closeMillis + " ms for a handler polling the"
                + " abort flag: " + c.output());
    }
}

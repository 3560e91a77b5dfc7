package dev.vyre.conformance;

import dev.vyre.api.DispatchRequest;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.CustomOpcodes;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** Helpers for one-pass cases: build a request, dispatch, check the golden expectation. */
final class OnePass {

    /** LOAD_MISS bound for one-pass workloads (nobody serves IO during a dispatch). */
    static final Duration IO_WAIT = Duration.ofMillis(10);

    private OnePass() {
    }

    /** @return a request with an empty IO queue, no data, no custom opcodes */
    static DispatchRequest request(byte[] control, byte[] ring) {
        return new DispatchRequest(control, ring, Wire.debugLog(), Wire.ioQueue(), new byte[0], CustomOpcodes.none(),
                IO_WAIT);
    }

    /**
     * Dispatches {@code request} once, checks every buffer against the input with the changes
     * {@code effects} lists, and returns the buffers for the oracle comparison.
     */
    static List<Snapshot> run(Vyre vyre, DispatchRequest request, Consumer<Golden> effects) {
        Golden golden = Golden.from(Buffers.of(request));
        effects.accept(golden);
        Buffers after = Buffers.of(vyre.dispatch(request));
        golden.verify("dispatch", after);
        return List.of(Snapshot.exact("dispatch", after));
    }

    /** Marks {@code slot} executed: status DONE and DONE_COUNT + 1. */
    static Golden done(Golden g, int slot) {
        return g.status(slot, dev.vyre.protocol.SlotStatus.DONE).controlAdd(dev.vyre.protocol.ControlLayout.DONE_COUNT, 1);
    }

    /** Counts one execution of {@code opcode} in its metric word (opcode below 32). */
    static Golden metric(Golden g, int opcode) {
        return g.controlAdd(dev.vyre.protocol.ControlLayout.METRICS_BASE + opcode, 1);
    }
}

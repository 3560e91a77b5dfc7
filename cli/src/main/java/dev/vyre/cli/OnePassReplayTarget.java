package dev.vyre.cli;

import dev.vyre.api.DispatchRequest;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.ControlCodec;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.replay.ReplayRecord;
import dev.vyre.protocol.replay.SessionGeometry;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;

/**
 * Replays through one-pass dispatches: the buffers start as a new session's (the encoded control buffer,
 * an EMPTY ring, zeroed debug log, IO queue and data buffer) and carry over from pass to pass. A pass
 * holds the records written into distinct ring slots; a ring slot recorded again starts the next pass.
 */
final class OnePassReplayTarget implements ReplayTarget {

    private final Vyre vyre;
    private final Duration ioWait;
    private ReplayState state;
    private final boolean[] inPass;

    OnePassReplayTarget(Vyre vyre, SessionGeometry geometry, Duration ioWait) {
        this.vyre = vyre;
        this.ioWait = ioWait;
        if (geometry.dataBufferBytes() > Integer.MAX_VALUE - 8) {
            throw new CliFailure("the log's session had a data buffer of " + geometry.dataBufferBytes() + " bytes,"
                    + " more than a one-pass dispatch carries", "replay it on backends that run persistent sessions"
                    + " (--mode persistent)");
        }
        this.state = new ReplayState(ControlCodec.encodeControl(false, geometry.tenantCount(),
                geometry.observableSlots()), new byte[geometry.slotCount() * SlotLayout.SLOT_BYTES],
                new byte[DebugLogLayout.BUFFER_BYTES], new byte[IoQueueLayout.IO_SLOT_COUNT * IoQueueLayout.IO_SLOT_BYTES],
                new byte[(int) geometry.dataBufferBytes()]);
        this.inPass = new boolean[geometry.slotCount()];
    }

    @Override
    public String backend() {
        return vyre.name();
    }

    @Override
    public String device() {
        return vyre.device().name();
    }

    @Override
    public String mode() {
        return "one-pass";
    }

    @Override
    public void run(List<ReplayRecord> records, int from, int to) {
        byte[] ring = state.ring().clone();
        MemorySegment view = MemorySegment.ofArray(ring);
        boolean any = false;
        for (int i = from; i < to; i++) {
            ReplayRecord r = records.get(i);
            if (inPass[r.slotIndex()]) {
                ring = dispatch(ring);
                view = MemorySegment.ofArray(ring);
            }
            r.writeImage(view, (long) r.slotIndex() * SlotLayout.SLOT_BYTES);
            inPass[r.slotIndex()] = true;
            any = true;
        }
        if (any) {
            dispatch(ring);
        }
    }

    /** Runs one pass over {@code ring}; @return a copy of the resulting ring to fill the next pass */
    private byte[] dispatch(byte[] ring) {
        state = ReplayState.of(vyre.dispatch(new DispatchRequest(state.control(), ring, state.debugLog(),
                state.ioQueue(), state.data(), CustomOpcodes.none(), ioWait)));
        java.util.Arrays.fill(inPass, false);
        return state.ring().clone();
    }

    @Override
    public ReplayState state() {
        return state;
    }

    @Override
    public long stalls() {
        return 0;
    }

    @Override
    public void close() {
        // the backend is closed by its owner; a one-pass side holds nothing else
    }
}

package dev.vyre.flink;

import dev.vyre.api.Session;
import dev.vyre.api.Slots;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Runs one slot per record on a persistent vyre session, for {@code AsyncDataStream.orderedWait} or
 * {@code unorderedWait} (or {@link VyreAsync}, which passes {@link VyreFlinkOptions#lanes()} as the capacity).
 *
 * <ul>
 *   <li><b>Session:</b> every instance in a TaskManager JVM shares one session per backend and device
 *       ({@link SharedSession}, reference-counted: joined in {@link #open}, left in {@link #close}). The
 *       device is the GPU Flink's external resource framework assigned to the TaskManager
 *       ({@link GpuAssignment}); without one, {@link VyreFlinkOptions#device()}.</li>
 *   <li><b>Tenancy:</b> each instance leases its own tenant and its own {@link VyreFlinkOptions#lanes()} ring
 *       slots, so instances cannot starve one another.</li>
 *   <li><b>Flow:</b> {@link #asyncInvoke} (task thread) encodes the record with the {@link SlotEncoder} into a
 *       free slot of its lane and publishes it; a completion thread per instance watches the lane's
 *       published slots and, once a slot is DONE, decodes it with the {@link ResultDecoder}, frees the slot,
 *       then completes the record's future. A lane never holds more records than Flink's capacity lets in
 *       when capacity &lt;= lanes, so a full ring pushes back through the async operator's capacity; when
 *       capacity exceeds lanes, {@code asyncInvoke} waits at most {@link VyreFlinkOptions#slotWaitMillis()}
 *       for a slot, then fails the record (it never blocks the task thread forever).</li>
 *   <li><b>Checkpoints:</b> the async operator checkpoints the records in flight and invokes them again after a
 *       restore; a result depends on its record alone (the encoder's contract) and a slot in flight at a
 *       failure is never read again (its lane is drained in {@code close()} before it is leased anew), so
 *       replay neither loses nor doubles a result.</li>
 *   <li><b>Faults:</b> a slot that ends FAULT, an encoder or decoder that throws, fails only that record's
 *       future (Flink then fails over the job).</li>
 * </ul>
 */
public class VyreAsyncFunction<IN, OUT> extends RichAsyncFunction<IN, OUT> implements ResultTypeQueryable<OUT> {

    private static final long serialVersionUID = 1L;

    private static final int FREE = 0;
    private static final int CLAIMED = 1;
    private static final int PUBLISHED = 2;

    private final VyreFlinkOptions options;
    private final SlotEncoder<IN> encoder;
    private final ResultDecoder<IN, OUT> decoder;
    private final TypeInformation<OUT> resultType;

    private transient SharedSession shared;
    private transient TenantLane lane;
    private transient Session session;
    private transient Arena arena;
    private transient SlotTarget target;
    private transient AtomicIntegerArray state;
    private transient Object[] records;
    private transient ResultFuture<?>[] futures;
    private transient AtomicInteger inFlight;
    private transient int cursor;
    private transient Thread completer;
    private transient volatile boolean running;
    private transient volatile Throwable completerFailure;
    private transient int device;

    /**
     * @param resultType the type of the decoder's results (lambdas erase it), e.g.
     *                   {@code Types.TUPLE(Types.LONG, Types.INT)}
     */
    public VyreAsyncFunction(VyreFlinkOptions options, SlotEncoder<IN> encoder, ResultDecoder<IN, OUT> decoder,
                             TypeInformation<OUT> resultType) {
        this.options = Objects.requireNonNull(options, "options");
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.resultType = Objects.requireNonNull(resultType, "resultType");
    }

    @Override
    public TypeInformation<OUT> getProducedType() {
        return resultType;
    }

    /** @return the options this function was built with */
    public VyreFlinkOptions options() {
        return options;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        device = GpuAssignment.device(getRuntimeContext().getExternalResourceInfos(GpuAssignment.RESOURCE),
                subtask, options.device());
        shared = SharedSession.acquire(options.backend(), device, options);
        try {
            lane = shared.lease(getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks());
        } catch (RuntimeException e) {
            shared.release();
            shared = null;
            throw e;
        }
        session = shared.session();
        arena = Arena.ofShared();
        target = new SlotTarget(arena.allocate(Slots.BYTES, 8), session.dataBuffer(), lane.tenant(),
                lane.dataBytesPerSlot());
        state = new AtomicIntegerArray(lane.slots());
        records = new Object[lane.slots()];
        futures = new ResultFuture<?>[lane.slots()];
        inFlight = new AtomicInteger();
        cursor = 0;
        running = true;
        completer = Thread.ofPlatform().daemon().name("vyre-complete-" + shared.key() + "-lane" + lane.partition())
                .unstarted(this::completeLoop);
        completer.start();
    }

    /** @return the device index this instance runs on (after {@link #open}) */
    public int device() {
        return device;
    }

    @Override
    public void asyncInvoke(IN input, ResultFuture<OUT> resultFuture) {
        Throwable failure = completerFailure;
        if (failure != null) {
            resultFuture.completeExceptionally(failure);
            return;
        }
        int i = claimFree();
        if (i < 0) {
            resultFuture.completeExceptionally(new IllegalStateException("no free vyre slot in lane " + lane.partition()
                    + " of " + shared.key() + " within " + options.slotWaitMillis() + " ms (" + lane.slots()
                    + " slots, all in flight). Fix: pass VyreFlinkOptions.lanes() as the async capacity"
                    + " (VyreAsync.orderedWait/unorderedWait do), or raise lanes"));
            return;
        }
        int slot = lane.firstSlot() + i;
        boolean counted = false;
        try {
            target.bind(slot);
            encoder.encode(input, target);
            records[i] = input;
            futures[i] = resultFuture;
            inFlight.incrementAndGet();
            counted = true;
            if (shared.publish(slot, target.images(), 1) != 1) {
                throw new IllegalStateException("ring slot " + slot + " of " + shared.key() + " is busy though its"
                        + " lane holds it free. Fix: report this; another user published into this operator's lane");
            }
            state.setRelease(i, PUBLISHED);
        } catch (RuntimeException e) {
            records[i] = null;
            futures[i] = null;
            if (counted) {
                inFlight.decrementAndGet();
            }
            state.setRelease(i, FREE);
            resultFuture.completeExceptionally(e);
            return;
        }
        if (inFlight.get() == 1) {
            LockSupport.unpark(completer);
        }
    }

    /** @return a lane index now CLAIMED by the task thread, or -1 after waiting slotWaitMillis */
    private int claimFree() {
        int n = state.length();
        long deadline = 0;
        int idle = 0;
        while (true) {
            for (int k = 0; k < n; k++) {
                int i = cursor;
                cursor = i + 1 == n ? 0 : i + 1;
                if (state.getAcquire(i) == FREE && state.compareAndSet(i, FREE, CLAIMED)) {
                    return i;
                }
            }
            long now = System.nanoTime();
            if (deadline == 0) {
                deadline = now + TimeUnit.MILLISECONDS.toNanos(options.slotWaitMillis());
            }
            if (now - deadline >= 0 || !running) {
                return -1;
            }
            if (++idle < 64) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(50_000);
            }
        }
    }

    /** The completion thread: decodes, frees and completes finished slots until closed and drained. */
    private void completeLoop() {
        SlotResult result = new SlotResult(session, session.dataBuffer(), lane.dataBytesPerSlot());
        int n = state.length();
        int idle = 0;
        try {
            while (running || inFlight.get() > 0) {
                int done = 0;
                for (int i = 0; i < n; i++) {
                    if (state.getAcquire(i) != PUBLISHED) {
                        continue;
                    }
                    int slot = lane.firstSlot() + i;
                    int status = session.slotStatus(slot);
                    if (status == Slots.DONE || status == Slots.FAULT) {
                        finish(i, slot, status, result);
                        done++;
                    }
                }
                if (done > 0) {
                    idle = 0;
                } else if (!session.isAlive() && inFlight.get() > 0) {
                    throw new IllegalStateException("the vyre interpreter of " + shared.key() + " stopped with "
                            + inFlight.get() + " slots of lane " + lane.partition() + " in flight. Fix: see the"
                            + " backend's error above; Flink restarts the job from its last checkpoint");
                } else if (++idle < 128) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(inFlight.get() == 0 ? 1_000_000 : 20_000);
                }
            }
        } catch (Throwable t) {
            completerFailure = t;
            failAll(t);
        }
    }

    @SuppressWarnings("unchecked")
    private void finish(int i, int slot, int status, SlotResult result) {
        IN record = (IN) records[i];
        ResultFuture<OUT> future = (ResultFuture<OUT>) futures[i];
        records[i] = null;
        futures[i] = null;
        OUT out = null;
        Throwable failure = null;
        if (status == Slots.FAULT) {
            failure = new IllegalStateException("ring slot " + slot + " of " + shared.key() + " ended FAULT for"
                    + " record " + record + ". Fix: check the encoder's opcode and arguments against the data buffer"
                    + " of dataBytesPerSlot bytes per slot");
            shared.reset(slot);
        } else {
            try {
                result.bind(slot);
                out = decoder.decode(record, result);
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        // free the slot before completing: Flink may invoke the next record as soon as the future completes
        inFlight.decrementAndGet();
        state.setRelease(i, FREE);
        if (failure != null) {
            future.completeExceptionally(failure);
        } else {
            future.complete(Collections.singletonList(out));
        }
    }

    private void failAll(Throwable t) {
        for (int i = 0; i < state.length(); i++) {
            if (state.get(i) == PUBLISHED) {
                ResultFuture<?> future = futures[i];
                if (future != null) {
                    future.completeExceptionally(t);
                }
            }
        }
    }

    /**
     * Waits up to {@link VyreFlinkOptions#drainMillis()} for the lane's slots in flight, gives the lane back
     * (drained, or lost when slots are still running) and leaves the shared session.
     */
    @Override
    public void close() throws Exception {
        if (shared == null) {
            return;
        }
        running = false;
        boolean drained = false;
        try {
            LockSupport.unpark(completer);
            completer.join(Math.max(1, options.drainMillis()));
            // not drained: the completion thread keeps watching the lane's slots until they finish (or the
            // session closes), and the lane is never leased again
            drained = !completer.isAlive() && inFlight.get() == 0;
        } finally {
            shared.giveBack(lane, drained);
            SharedSession leaving = shared;
            shared = null;
            try {
                leaving.release();
            } finally {
                if (drained) {
                    arena.close();
                }
            }
        }
    }
}

package dev.vyre.spi;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.apiguardian.api.API;

/**
 * One running interpreter, as a backend drives it. The runtime session owns every protocol rule
 * (validation, slot payloads, waits, snapshots, the IO queue, shutdown and close ordering); a
 * driver owns only what differs between devices: where the buffers live, how the interpreter is
 * told about new slots, how device-resident control words are read and written, and how the
 * interpreter is stopped. See the package documentation for the memory-ordering contract.
 *
 * <p>Threads: {@link #announce} and {@link #status} may be called from several publishing threads
 * at once, for disjoint slots. {@link #writeControl} may race with them. {@link #stop} and
 * {@link #close} are called once each, in that order, after the runtime stopped publishing.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public interface SessionDriver extends AutoCloseable {

    /** A buffer that may live in device memory. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    enum DeviceBuffer {
        /** The control buffer. */
        CONTROL,
        /** The debug log. */
        DEBUG_LOG,
        /**
         * Isolated mode: the per-tenant violation counters ({@code TenantIsolation.TENANTS} words, tenant {@code t}
         * at word {@code t}; docs/PROTOCOL.md, "Isolated mode"), when {@link SessionMemory#isolation()} is
         * {@code NULL}. May be copied while the interpreter runs (a possibly older value is fine).
         */
        ISOLATION
    }

    /**
     * @return the session's buffers, with their initial contents written (see
     *         {@link SessionMemory}); the same object on every call
     */
    SessionMemory memory();

    /**
     * The doorbell: slots {@code firstSlot .. firstSlot + count - 1} have been written whole, and
     * their status words hold {@code status} (PUBLISHED, except after a raw slot write). The driver
     * makes the interpreter run them. Called on the publishing thread; must not allocate.
     *
     * @param firstSlot first slot of the run
     * @param count     slots in the run, at least 1
     * @param status    the status word the runtime stored in each of them
     */
    void announce(int firstSlot, int count, int status);

    /**
     * The doorbell of one slot that the runtime wrote with status PUBLISHED, priority NORMAL and argument
     * words 3..11 zero, with the fields it holds, so that a driver can carry the payload in the doorbell
     * itself and spare the device a read of the slot. The default calls
     * {@link #announce announce(slot, 1, PUBLISHED)}. Must not allocate.
     */
    default void announce(int slot, int tenant, int opcode, int arg0, int arg1, int arg2) {
        announce(slot, 1, dev.vyre.protocol.SlotStatus.PUBLISHED);
    }

    /**
     * Reads a slot's status word. With {@code exact} false the driver may answer from a cheaper copy
     * that is possibly older than the ring but never newer; with {@code exact} true it returns the
     * ring's word (acquire). The default reads the ring.
     */
    default int status(int slot, boolean exact) {
        return dev.vyre.protocol.Words.getAcquire(memory().ring(), (long) slot * 16);
    }

    /**
     * Reads a control word (acquire). With {@code exact} false the driver may answer from a copy that
     * is possibly older, never newer. The default reads the host-visible control buffer and refuses
     * otherwise; the runtime refuses, when the session opens, a driver whose control buffer lives in
     * device memory and that does not override this and {@link #copyDeviceBuffer}.
     *
     * @param word a word index inside the control buffer (checked by the runtime)
     */
    default int readControl(int word, boolean exact) {
        MemorySegment control = memory().control();
        if (control.byteSize() == 0) {
            throw new UnsupportedOperationException("the control buffer lives in device memory and this driver"
                    + " does not read it. Fix: override SessionDriver.readControl");
        }
        return dev.vyre.protocol.Words.getAcquire(control, word);
    }

    /**
     * Writes a control word from the host (release) and makes the interpreter see it: wake a sleeping
     * interpreter, push the store out of a write-combining buffer, or hand it to the device. A change of
     * a tenant mask must also let slots that were refused for that tenant run.
     *
     * @param word a word index inside the control buffer (checked by the runtime)
     */
    void writeControl(int word, int value);

    /**
     * Copies a buffer that lives in device memory into {@code dst} (exactly its length). Only called
     * for buffers whose {@link SessionMemory} segment is {@code NULL}. The default refuses (an explicit
     * "unsupported": see {@link #readControl} for when the runtime checks it).
     */
    default void copyDeviceBuffer(DeviceBuffer buffer, MemorySegment dst) {
        throw new UnsupportedOperationException("the " + buffer + " buffer lives in device memory and this driver"
                + " does not copy it. Fix: override SessionDriver.copyDeviceBuffer");
    }

    /**
     * @return the interpreter's health: the runtime's waits call this when they are about to sleep
     *         and fail with a watchdog error on {@link Liveness.State#STALLED}. May throw a
     *         {@link dev.vyre.protocol.BackendException} when the interpreter failed on the device.
     */
    Liveness liveness();

    /**
     * Stops the interpreter: the runtime has already set control word 0 (SHUTDOWN) through
     * {@link #writeControl}. Waits until the interpreter no longer touches the buffers.
     *
     * @return true when it stopped within {@code timeout}; false when it is stuck, in which case
     *         {@link #close()} must leave the memory it may still touch allocated
     */
    boolean stop(Duration timeout);

    /** Releases every resource of the session. Called once, after {@link #stop}. */
    @Override
    void close();
}

package dev.vyre.conformance;

import dev.vyre.spi.Liveness;
import dev.vyre.spi.SessionDriver;
import dev.vyre.spi.SessionMemory;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

/** A session driver that forwards every call, defaults included, to another one; tests override what they break. */
class DelegatingDriver implements SessionDriver {
    protected final SessionDriver inner;

    DelegatingDriver(SessionDriver inner) {
        this.inner = inner;
    }

    @Override
    public SessionMemory memory() {
        return inner.memory();
    }

    @Override
    public void announce(int firstSlot, int count, int status) {
        inner.announce(firstSlot, count, status);
    }

    @Override
    public int status(int slot, boolean exact) {
        return inner.status(slot, exact);
    }

    @Override
    public int readControl(int word, boolean exact) {
        return inner.readControl(word, exact);
    }

    @Override
    public void writeControl(int word, int value) {
        inner.writeControl(word, value);
    }

    @Override
    public void copyDeviceBuffer(DeviceBuffer buffer, MemorySegment dst) {
        inner.copyDeviceBuffer(buffer, dst);
    }

    @Override
    public Liveness liveness() {
        return inner.liveness();
    }

    @Override
    public boolean stop(Duration timeout) {
        return inner.stop(timeout);
    }

    @Override
    public void close() {
        inner.close();
    }
}

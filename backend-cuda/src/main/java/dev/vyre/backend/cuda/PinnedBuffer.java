package dev.vyre.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemHostAlloc;
import static jcuda.driver.JCudaDriver.cuMemHostGetDevicePointer;

import java.lang.foreign.MemorySegment;
import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

/**
 * Page-locked host memory mapped into the device ({@code cuMemHostAlloc(DEVICEMAP | PORTABLE)}):
 * the host sees it as a native {@link MemorySegment}, the kernel through {@link #deviceAddress()}.
 * Allocations are page-aligned and zero-filled.
 */
final class PinnedBuffer implements HostVisibleMemory {

    private final Pointer pointer = new Pointer();
    private final long byteSize;
    private final MemorySegment segment;
    private final long deviceAddress;
    private boolean freed;

    PinnedBuffer(long byteSize) {
        this.byteSize = byteSize;
        long allocation = Math.max(64, byteSize);
        CudaCalls.check(cuMemHostAlloc(pointer, allocation,
                JCudaDriver.CU_MEMHOSTALLOC_DEVICEMAP | JCudaDriver.CU_MEMHOSTALLOC_PORTABLE),
                "cuMemHostAlloc(" + byteSize + " bytes)");
        MemorySegment whole = MemorySegment.ofBuffer(pointer.getByteBuffer(0, allocation));
        whole.fill((byte) 0);
        this.segment = whole.asSlice(0, byteSize);
        DevicePointer device = new DevicePointer();
        CudaCalls.check(cuMemHostGetDevicePointer(device, pointer, 0), "cuMemHostGetDevicePointer");
        this.deviceAddress = device.address();
    }

    /** @return the host view, exactly {@code byteSize} long */
    @Override
    public MemorySegment segment() {
        return segment;
    }

    long byteSize() {
        return byteSize;
    }

    @Override
    public long deviceAddress() {
        return deviceAddress;
    }

    Pointer pointer() {
        return pointer;
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            cuMemFreeHost(pointer);
        }
    }
}

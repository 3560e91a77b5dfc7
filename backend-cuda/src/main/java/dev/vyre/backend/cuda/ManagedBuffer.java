package dev.vyre.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemAdvise;
import static jcuda.driver.JCudaDriver.cuMemAllocManaged;
import static jcuda.driver.JCudaDriver.cuMemFree;

import java.lang.foreign.MemorySegment;
import jcuda.driver.CUdevice;
import jcuda.driver.CUmemAttach_flags;
import jcuda.driver.CUmem_advise;

/**
 * Managed memory ({@code cuMemAllocManaged}, attached globally): one address for host and kernel, its pages moved
 * by the driver to where they are used, so a kernel that reads the same bytes many times reads them from device
 * memory after the first touch instead of across PCIe each time. With {@code readMostly}, the driver keeps read
 * copies on both sides ({@code CU_MEM_ADVISE_SET_READ_MOSTLY}); a host write invalidates the device's copy.
 * Zero-filled by the host at allocation.
 */
final class ManagedBuffer implements HostVisibleMemory {

    private final DevicePointer pointer = new DevicePointer();
    private final MemorySegment segment;
    private boolean freed;

    ManagedBuffer(long byteSize, boolean readMostly) {
        long allocation = Math.max(64, byteSize);
        CudaCalls.check(cuMemAllocManaged(pointer, allocation, CUmemAttach_flags.CU_MEM_ATTACH_GLOBAL),
                "cuMemAllocManaged(" + byteSize + " bytes)");
        if (readMostly) {
            CudaCalls.check(cuMemAdvise(pointer, allocation, CUmem_advise.CU_MEM_ADVISE_SET_READ_MOSTLY, new CUdevice()),
                    "cuMemAdvise(SET_READ_MOSTLY)");
        }
        MemorySegment whole = MemorySegment.ofAddress(pointer.address()).reinterpret(allocation);
        whole.fill((byte) 0);
        this.segment = whole.asSlice(0, byteSize);
    }

    @Override
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public long deviceAddress() {
        return pointer.address();
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            cuMemFree(pointer);
        }
    }
}

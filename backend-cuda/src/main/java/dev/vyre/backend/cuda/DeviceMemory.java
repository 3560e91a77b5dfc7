package dev.vyre.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemsetD8Async;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;

import jcuda.driver.CUstream;

/** Device memory ({@code cuMemAlloc}) the host reaches only through copies. */
final class DeviceMemory implements AutoCloseable {

    private final DevicePointer pointer = new DevicePointer();
    private final long byteSize;
    private boolean freed;

    /** Allocates at least one byte (a zero-length buffer gets a 4-byte allocation). */
    DeviceMemory(long byteSize) {
        this.byteSize = byteSize;
        CudaCalls.check(cuMemAlloc(pointer, Math.max(4, byteSize)), "cuMemAlloc(" + byteSize + " bytes)");
    }

    long byteSize() {
        return byteSize;
    }

    long address() {
        return pointer.address();
    }

    DevicePointer pointer() {
        return pointer;
    }

    void zero(CUstream stream) {
        CudaCalls.check(cuMemsetD8Async(pointer, (byte) 0, Math.max(4, byteSize), stream), "cuMemsetD8Async");
    }

    /** Copies {@code bytes} from pinned host memory at {@code src} (stream-ordered). */
    void upload(PinnedBuffer src, long srcOffset, long deviceOffset, long bytes, CUstream stream) {
        if (bytes == 0) {
            return;
        }
        CudaCalls.check(cuMemcpyHtoDAsync(pointer.withByteOffset(deviceOffset), src.pointer().withByteOffset(srcOffset),
                bytes, stream), "cuMemcpyHtoDAsync");
    }

    /** Copies {@code bytes} into pinned host memory at {@code dst} (stream-ordered). */
    void download(PinnedBuffer dst, long dstOffset, long deviceOffset, long bytes, CUstream stream) {
        if (bytes == 0) {
            return;
        }
        CudaCalls.check(cuMemcpyDtoHAsync(dst.pointer().withByteOffset(dstOffset), pointer.withByteOffset(deviceOffset),
                bytes, stream), "cuMemcpyDtoHAsync");
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            cuMemFree(pointer);
        }
    }
}

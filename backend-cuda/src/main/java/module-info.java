/**
 * CUDA backend: the VIR0 megakernel as one persistent CUDA kernel, driven through JCuda's driver
 * API (needs only {@code libcuda.so.1}); custom opcodes ({@code cuda-c} bodies) are compiled at run
 * time with NVRTC, bound with the FFM API. The submission tail lines live in device memory that Vulkan (LWJGL) maps
 * for the host and CUDA imports, where the driver allows it. Exports nothing: the runtime finds it as a
 * {@link dev.vyre.spi.BackendProvider}.
 */
module dev.vyre.backend.cuda {
    requires dev.vyre.spi;
    requires jcuda;
    requires org.lwjgl;
    requires org.lwjgl.vulkan;
    provides dev.vyre.spi.BackendProvider with dev.vyre.backend.cuda.CudaBackendProvider;
}

/**
 * CUDA backend: the VIR0 megakernel as one persistent CUDA kernel, driven through JCuda's driver
 * API (needs only {@code libcuda.so.1}); custom opcodes are compiled at run time with NVRTC,
 * bound with the FFM API.
 */
module dev.vyre.backend.cuda {
    requires dev.vyre.api;
    requires jcuda;
    provides dev.vyre.spi.BackendProvider with dev.vyre.backend.cuda.CudaBackendProvider;
}

/**
 * Launch-per-operation peers of a persistent session, which {@code vyre bench} measures in the same run
 * and shows in its table: {@link dev.vyre.peer.LaunchPeers}, found with {@link java.util.ServiceLoader}.
 * The CUDA peers drive the GPU through JCuda directly (a one-slot kernel per {@code cuLaunchKernel} or per
 * CUDA Graph launch, each followed by a synchronize); they use no backend and no runtime class.
 */
module dev.vyre.peer {
    requires dev.vyre.protocol;
    requires jcuda;
    exports dev.vyre.peer;
    provides dev.vyre.peer.LaunchPeers with dev.vyre.peer.cuda.CudaLaunchPeers;
}

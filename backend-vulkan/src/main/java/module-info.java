/**
 * Vulkan compute backend: the VIR0 megakernel as a GLSL compute shader (compiled at run time with
 * shaderc, cached on disk), driven through LWJGL 3.4's Vulkan bindings. One-pass dispatches run on
 * every Vulkan 1.2 device (lavapipe included); persistent sessions on devices where a spinning shader
 * sees host writes (see docs/PERFORMANCE.md, Vulkan). Users reach it through {@code dev.vyre.api.Vyre}.
 */
module dev.vyre.backend.vulkan {
    requires dev.vyre.spi;
    requires org.lwjgl;
    requires org.lwjgl.vulkan;
    requires org.lwjgl.shaderc;
    provides dev.vyre.spi.BackendProvider with dev.vyre.backend.vulkan.VulkanBackendProvider;
}

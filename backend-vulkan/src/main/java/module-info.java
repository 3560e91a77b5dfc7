/** Vulkan compute backend (LWJGL). Arrives with its own issue; today only the build wiring exists. */
module dev.vyre.backend.vulkan {
    requires dev.vyre.api;
}

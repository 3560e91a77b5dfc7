package dev.vyre.spi;

/** Where a backend keeps protocol buffers. */
public enum MemoryKind {
    /** Ordinary off-heap host memory (the reference backend). */
    HOST,
    /** Page-locked host memory mapped into the device's address space. */
    HOST_PINNED_MAPPED,
    /** Device memory the host cannot map. */
    DEVICE_LOCAL,
    /** Device memory the host maps through the BAR (Vulkan DEVICE_LOCAL | HOST_VISIBLE). */
    DEVICE_LOCAL_HOST_VISIBLE,
    /** Host memory visible to the device (Vulkan HOST_VISIBLE | HOST_COHERENT). */
    HOST_VISIBLE_COHERENT
}

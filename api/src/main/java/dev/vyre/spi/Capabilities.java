package dev.vyre.spi;

import java.util.Set;

/**
 * What a backend's device can do.
 *
 * @param maxSlots            the largest ring a session may open
 * @param lanes               how many slots it can execute at the same time
 * @param memoryKinds         where its protocol buffers live
 * @param dataBuffer          whether sessions can carry a data buffer (DESIGN 4.2)
 * @param maxDataBufferBytes  largest data buffer, 0 when {@code dataBuffer} is false
 * @param persistent          whether {@link Backend#openSession} runs a persistent interpreter
 * @param customOpcodes       whether custom opcodes can be registered
 */
public record Capabilities(int maxSlots, int lanes, Set<MemoryKind> memoryKinds, boolean dataBuffer,
                           long maxDataBufferBytes, boolean persistent, boolean customOpcodes) {
    public Capabilities {
        memoryKinds = Set.copyOf(memoryKinds);
    }
}

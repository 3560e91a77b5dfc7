package dev.vyre.backend.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.protocol.SlotStatus;
import org.junit.jupiter.api.Test;

/** An exact status read of a persistent Vulkan session: the ring word, but a mirrored result beats CLAIMED. */
class ExactStatusTest {

    @Test
    void aMirroredResultOfTheSamePublicationBeatsAClaimedRingWord() {
        assertEquals(SlotStatus.DONE, VulkanSession.exactStatus(SlotStatus.CLAIMED, SlotStatus.DONE));
        assertEquals(SlotStatus.FAULT, VulkanSession.exactStatus(SlotStatus.CLAIMED, SlotStatus.FAULT));
    }

    @Test
    void otherwiseTheRingWordStands() {
        // the mirror shows the host's own PUBLISHED until the shader mirrors a result of this publication
        assertEquals(SlotStatus.CLAIMED, VulkanSession.exactStatus(SlotStatus.CLAIMED, SlotStatus.PUBLISHED));
        assertEquals(SlotStatus.PUBLISHED, VulkanSession.exactStatus(SlotStatus.PUBLISHED, SlotStatus.DONE));
        assertEquals(SlotStatus.DONE, VulkanSession.exactStatus(SlotStatus.DONE, SlotStatus.PUBLISHED));
        assertEquals(SlotStatus.EMPTY, VulkanSession.exactStatus(SlotStatus.EMPTY, SlotStatus.EMPTY));
    }
}

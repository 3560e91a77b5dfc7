package dev.vyre.protocol;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A ticketed window of related slots: each required payload,
 * then each lookahead payload, is published at consecutive slots from {@code startSlot} with
 * arguments {@code [ticket, class, payload...]}.
 *
 * <p><b>Deliberate fix:</b> vyre 0.6.3 leaves earlier slots published when a later payload is
 * refused. Here every slot is checked first (vyre's checks and texts, in the protocol's order) and
 * nothing is written unless all pass.
 *
 * @param startSlot first slot (u32)
 * @param tenantId  tenant of every slot
 * @param opcode    opcode of every slot
 * @param ticket    ticket written as argument 0
 * @param required  required payloads (at most 10 words each); arrays are copied
 * @param lookahead lookahead payloads (at most 10 words each); arrays are copied
 */
public record WindowDescriptor(int startSlot, int tenantId, SlotOpcode opcode, int ticket, List<int[]> required,
                               List<int[]> lookahead) {

    static final String FIX_OVERFLOW = "window start plus item count overflows u32; split the window before publishing";
    static final String FIX_PAYLOAD = "too many args for one window payload; ticket plus class plus payload must fit "
            + "in 12 u32 args";

    public WindowDescriptor {
        Objects.requireNonNull(opcode, "opcode");
        required = required.stream().map(int[]::clone).toList();
        lookahead = lookahead.stream().map(int[]::clone).toList();
    }

    /**
     * Publishes the window, all or nothing. An empty window returns 0 without any check.
     *
     * @return the number of slots written
     * @throws QueueFullException when {@code startSlot + total − 1} overflows u32, a payload has
     *                            more than 10 words, or a slot is refused; the ring is then unchanged
     */
    public int publishInto(MemorySegment ring) {
        int total = required.size() + lookahead.size();
        if (total == 0) {
            return 0;
        }
        if (Integer.toUnsignedLong(startSlot) + total - 1 > 0xFFFF_FFFFL) {
            throw QueueFullException.submission(FIX_OVERFLOW);
        }
        int[] args = new int[SlotLayout.ARGS_PER_SLOT];
        for (int pass = 0; pass < 2; pass++) {
            int slot = startSlot;
            for (WindowClass cls : WindowClass.values()) {
                for (int[] payload : cls == WindowClass.REQUIRED ? required : lookahead) {
                    if (payload.length + 2 > SlotLayout.ARGS_PER_SLOT) {
                        throw QueueFullException.submission(FIX_PAYLOAD);
                    }
                    if (pass == 0) {
                        DescriptorChecks.checkSingle(ring, slot, opcode.wire(), payload.length + 2);
                    } else {
                        args[0] = ticket;
                        args[1] = cls.wire();
                        System.arraycopy(payload, 0, args, 2, payload.length);
                        RingPublisher.publishSlot(ring, slot, tenantId, opcode.wire(),
                                java.util.Arrays.copyOf(args, payload.length + 2));
                    }
                    slot++;
                }
            }
        }
        return total;
    }

    /** {@link #publishInto(MemorySegment)} on a {@code byte[]} ring. */
    public int publishInto(byte[] ring) {
        return publishInto(MemorySegment.ofArray(ring));
    }

    /**
     * @return the same slots as a {@link BatchDescriptor} of {@link SlotDescriptor.Single}s
     * @throws QueueFullException when a payload has more than 10 words
     */
    public BatchDescriptor tryIntoBatch() {
        List<SlotDescriptor> items = new ArrayList<>(required.size() + lookahead.size());
        for (WindowClass cls : WindowClass.values()) {
            for (int[] payload : cls == WindowClass.REQUIRED ? required : lookahead) {
                if (payload.length + 2 > SlotLayout.ARGS_PER_SLOT) {
                    throw QueueFullException.submission(FIX_PAYLOAD);
                }
                int[] args = new int[payload.length + 2];
                args[0] = ticket;
                args[1] = cls.wire();
                System.arraycopy(payload, 0, args, 2, payload.length);
                items.add(SlotDescriptor.single(tenantId, opcode, args));
            }
        }
        return new BatchDescriptor(startSlot, items);
    }

    /** Lenient {@link #tryIntoBatch()}: an empty batch at {@code startSlot} on error. */
    public BatchDescriptor intoBatch() {
        try {
            return tryIntoBatch();
        } catch (QueueFullException e) {
            return BatchDescriptor.empty(startSlot);
        }
    }
}

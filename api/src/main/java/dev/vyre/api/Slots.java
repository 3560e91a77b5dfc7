package dev.vyre.api;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.RingPublisher;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.VyreArgumentException;
import dev.vyre.protocol.Words;
import java.lang.foreign.MemorySegment;
import org.apiguardian.api.API;

/** Slot statuses, observable word indices, and the encoder of slot images for {@link Session#publishSlots}. */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public final class Slots {
    /** Never written, or free again. */
    public static final int EMPTY = SlotStatus.EMPTY;
    /** Written by the host, waiting for the interpreter. */
    public static final int PUBLISHED = SlotStatus.PUBLISHED;
    /** Taken by the interpreter. */
    public static final int CLAIMED = SlotStatus.CLAIMED;
    /** Finished; its effects are visible. The host may publish into it again. */
    public static final int DONE = SlotStatus.DONE;
    /** Finished with an error (an IO wait that timed out, a failed read). */
    public static final int FAULT = SlotStatus.FAULT;
    /** Bytes per slot image. */
    public static final int BYTES = SlotLayout.SLOT_BYTES;

    private Slots() {
    }

    /** @return the control word index of observable result word {@code k}: {@code 160 + k} */
    public static int observable(int k) {
        return ControlLayout.OBSERVABLE_BASE + k;
    }

    /**
     * Encodes slot image {@code index} of {@code images} for {@link Session#publishSlots}: status
     * PUBLISHED, the opcode, the tenant, priority NORMAL, three argument words and nine zero words.
     * Allocates nothing.
     */
    public static void encode(MemorySegment images, int index, int tenant, int opcode, int arg0, int arg1, int arg2) {
        RingPublisher.writePayload(images, index, tenant, opcode, arg0, arg1, arg2);
        Words.set(images, (long) index * SlotLayout.SLOT_WORDS, SlotStatus.PUBLISHED);
    }

    /**
     * Encodes slot image {@code index} of {@code images} for {@link Session#publishSlots} with
     * {@code argCount} argument words taken from {@code args} (at most 12; the rest are zero): status
     * PUBLISHED, the opcode, the tenant, priority NORMAL. The same bytes as
     * {@link Session#publish(int, int, int, int[], int)} writes into the ring; a PACKED_SLOT's metadata
     * and inner arguments go in {@code args}. Allocates nothing.
     *
     * @throws VyreArgumentException when {@code argCount} is negative, above 12 or above {@code args.length}
     *         (nothing is written)
     */
    public static void encode(MemorySegment images, int index, int tenant, int opcode, int[] args, int argCount) {
        checkArgs(args, argCount);
        RingPublisher.writePayload(images, index, tenant, opcode, args, argCount);
        Words.set(images, (long) index * SlotLayout.SLOT_WORDS, SlotStatus.PUBLISHED);
    }

    /**
     * The argument-count rule of every {@code int[]} publication.
     *
     * @throws VyreArgumentException when {@code argCount} is negative, above 12, or above the length of
     *         {@code args} (or {@code args} is null while {@code argCount} is positive)
     */
    static void checkArgs(int[] args, int argCount) {
        if (argCount < 0 || argCount > SlotLayout.ARGS_PER_SLOT || (argCount > 0 && (args == null
                || args.length < argCount))) {
            throw new VyreArgumentException("argCount", argCount + " does not fit "
                    + (args == null ? "a missing args array" : "an args array of " + args.length) + " and the"
                    + " slot's 12 argument words", "pass 0 .. min(12, args.length)");
        }
    }
}

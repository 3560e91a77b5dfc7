package dev.vyre.protocol;

/**
 * Host-side ring slot status transitions and their
 * legality table.
 */
public enum SlotTransition {
    /** PUBLISHED, YIELD or REQUEUE to CLAIMED. */
    CLAIM(SlotStatus.CLAIMED,
            "illegal ring slot transition: claim requires PUBLISHED, YIELD, or REQUEUE status"),
    /** CLAIMED to DONE. */
    DONE(SlotStatus.DONE, "illegal ring slot transition: done requires CLAIMED status"),
    /** PUBLISHED, CLAIMED, WAIT_IO, YIELD or REQUEUE to FAULT. */
    FAULT(SlotStatus.FAULT, "illegal ring slot transition: fault requires an in-flight slot status"),
    /** PUBLISHED, WAIT_IO, YIELD or REQUEUE back to EMPTY. */
    CANCEL(SlotStatus.EMPTY,
            "illegal ring slot transition: cancel requires an unclaimed in-flight slot status"),
    /** Always refused: publishing must write the payload before the status. */
    PUBLISH(SlotStatus.PUBLISHED,
            "publish transitions must use publish_slot or a batch publisher so payload words are written before PUBLISHED status");

    private final int target;
    private final String rejection;

    SlotTransition(int target, String rejection) {
        this.target = target;
        this.rejection = rejection;
    }

    /** @return the status this transition stores */
    public int target() {
        return target;
    }

    /** @return the fix text of the refusal */
    public String rejection() {
        return rejection;
    }

    /** @return true when this transition may leave {@code status} */
    public boolean allowedFrom(int status) {
        return switch (this) {
            case CLAIM -> status == SlotStatus.PUBLISHED || status == SlotStatus.YIELD || status == SlotStatus.REQUEUE;
            case DONE -> status == SlotStatus.CLAIMED;
            case FAULT -> status == SlotStatus.PUBLISHED || status == SlotStatus.CLAIMED
                    || status == SlotStatus.WAIT_IO || status == SlotStatus.YIELD || status == SlotStatus.REQUEUE;
            case CANCEL -> status == SlotStatus.PUBLISHED || status == SlotStatus.WAIT_IO
                    || status == SlotStatus.YIELD || status == SlotStatus.REQUEUE;
            case PUBLISH -> false;
        };
    }
}

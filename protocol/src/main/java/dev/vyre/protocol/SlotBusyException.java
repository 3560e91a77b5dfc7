package dev.vyre.protocol;

/**
 * A slot could not be published because it is neither EMPTY nor DONE: the interpreter still owns it.
 * Nothing was written.
 */
public final class SlotBusyException extends VyreException {
    private static final long serialVersionUID = 1L;

    private final int slot;
    private final int status;

    /**
     * @param slot   the slot that was refused
     * @param status its status word when it was refused
     */
    public SlotBusyException(int slot, int status) {
        super("ring slot " + slot + " is " + SlotStatus.name(status) + ", not EMPTY or DONE",
                "wait until it is DONE (Session.awaitSlotStatus) before publishing into it again");
        this.slot = slot;
        this.status = status;
    }

    /** @return the slot that was refused */
    public int slot() {
        return slot;
    }

    /** @return its status word when it was refused */
    public int status() {
        return status;
    }
}

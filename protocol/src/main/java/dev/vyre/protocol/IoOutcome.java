package dev.vyre.protocol;

/**
 * One entry of an IO completion batch: the claimed IO slot and whether its request succeeded
 *.
 *
 * @param slot IO slot index (compared unsigned)
 * @param ok   true writes status OK (0x10), false writes ERROR (0x11)
 */
public record IoOutcome(int slot, boolean ok) {

    /** @return a successful completion of {@code slot} */
    public static IoOutcome success(int slot) {
        return new IoOutcome(slot, true);
    }

    /** @return a failed completion of {@code slot} */
    public static IoOutcome failure(int slot) {
        return new IoOutcome(slot, false);
    }
}

package dev.vyre.protocol;

/**
 * Aggregated state of one ticketed window: every slot whose
 * opcode is a window opcode, grouped by {@code (ticket = arg0, opcode)}.
 *
 * @param ticket         arg0 of the grouped slots
 * @param tenantId       tenant of the first slot seen for this key
 * @param opcode         slot opcode
 * @param requiredSlots  slots with class word (arg1) 0
 * @param lookaheadSlots slots with class word 1
 * @param published      PUBLISHED slots
 * @param claimed        CLAIMED slots
 * @param done           DONE slots
 * @param waitIo         WAIT_IO slots
 * @param yieldCount     YIELD slots
 * @param requeue        REQUEUE slots
 * @param fault          FAULT slots
 */
public record WindowTelemetry(int ticket, int tenantId, int opcode, int requiredSlots, int lookaheadSlots,
                              int published, int claimed, int done, int waitIo, int yieldCount, int requeue,
                              int fault) {

    /** @return true while any slot of the window is published, claimed, waiting, yielded or requeued */
    public boolean isActive() {
        return published != 0 || claimed != 0 || waitIo != 0 || yieldCount != 0 || requeue != 0;
    }
}

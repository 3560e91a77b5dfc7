package dev.vyre.protocol;

/**
 * One slot of the work-item encoders, written as slot words
 * 1 (op handle), 4 (input), 5 (output) and 6 (param).
 *
 * @param opHandle     the slot opcode
 * @param inputHandle  argument word 0
 * @param outputHandle argument word 1
 * @param param        argument word 2
 */
public record WorkItem(int opHandle, int inputHandle, int outputHandle, int param) {
}

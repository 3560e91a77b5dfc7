package dev.vyre.conformance;

import dev.vyre.ir.Block;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Ir;
import dev.vyre.protocol.ControlLayout;

/**
 * The control words one slot of an IR workload owns: {@code words} observable words from
 * {@code 160 + slot * words}, addressed from the program through {@link Ir#slot()}, so slots never share a
 * word and the results do not depend on the order the lanes run in. {@link #put} stores values at the
 * window's next word (a u64 as its low then its high word, a bool as 0 or 1).
 */
final class IrWindow {

    private final Block block;
    private final Expr.Ref base;
    private final int words;
    private int next;

    private IrWindow(Block block, int words, int first) {
        this.block = block;
        this.words = words;
        this.base = block.let(Ir.add(Ir.u32(ControlLayout.OBSERVABLE_BASE), Ir.mul(Ir.slot(), Ir.u32(words))));
        this.next = first;
    }

    /** @return the window of the executing slot, its first {@link #put} at word 0 */
    static IrWindow of(Block block, int words) {
        return new IrWindow(block, words, 0);
    }

    /** @return the window of the executing slot, its first {@link #put} at word {@code first} */
    static IrWindow of(Block block, int words, int first) {
        return new IrWindow(block, words, first);
    }

    /** @return control word {@code k} of slot {@code slot}'s window of {@code words} words */
    static long word(int slot, int words, int k) {
        return ControlLayout.OBSERVABLE_BASE + (long) slot * words + k;
    }

    /** @return the first word of this slot's window (u32) */
    Expr.Ref base() {
        return base;
    }

    /** @return the u32 index of word {@code k} of this window */
    Expr at(int k) {
        if (k < 0 || k >= words) {
            throw new IllegalArgumentException("word " + k + " is outside the window of " + words);
        }
        return Ir.add(base, Ir.u32(k));
    }

    /**
     * Stores {@code value} at the next word(s).
     *
     * @return the window word of its (low) word
     */
    int put(Expr value) {
        int k = next;
        switch (value.type()) {
            case BOOL -> block.store(at(next++), Ir.asU32(value));
            case U32, I32 -> block.store(at(next++), value);
            case U64 -> {
                Expr.Ref v = block.let(value);
                block.store(at(next++), Ir.asU32(v));
                block.store(at(next++), Ir.asU32(Ir.shr(v, Ir.u32(32))));
            }
        }
        return k;
    }

    /** Leaves the next word to a store of the program's own. */
    void skip() {
        next++;
    }

    /** @return the next word {@link #put} writes */
    int next() {
        return next;
    }
}

package dev.vyre.flink;

import java.io.Serializable;

/**
 * Turns a finished slot into the record's result, from {@link SlotResult#word()} or {@link SlotResult#data()}.
 * Called on the operator's completion thread; must not keep the result view.
 */
@FunctionalInterface
public interface ResultDecoder<IN, OUT> extends Serializable {
    OUT decode(IN record, SlotResult result);
}

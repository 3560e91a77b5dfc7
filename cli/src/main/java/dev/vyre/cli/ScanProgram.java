package dev.vyre.cli;

import dev.vyre.ir.Block;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Ir;
import dev.vyre.ir.Program;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.ir.IrOpcodes;

/**
 * The scan opcode: one IR program ({@link #PROGRAM}) that walks one chunk of the data buffer through the
 * {@link ScanAutomaton} DFA held in the data buffer, lowered by {@link IrOpcodes#irOpcode} to every
 * backend's dialect. It does not depend on the pattern set: the table describes itself.
 *
 * <p><b>Data buffer.</b> Its last word (word {@code dataBytes / 4 - 1}) holds {@code T}, the word index
 * of the scan table. The table is {@value #HEADER_WORDS} header words, then the class map
 * ({@value #CLASS_MAP_WORDS} words: byte {@code b}'s class at byte {@code b}), then the DFA rows:
 * <pre>
 *  T+0  magic {@value #MAGIC_TEXT}     T+5  rows, word offset from T
 *  T+1  flags (bit 0: log matches)     T+6  counter base C (observable index)
 *  T+2  classes                        T+7  log base L (observable index)
 *  T+3  stride (classes + 1)           T+8  log words per chunk word (see below)
 *  T+4  class map, word offset from T  T+9  longest chunk a slot may be given, in bytes
 * </pre>
 *
 * <p><b>Slot.</b> Arguments {@code a0} = data offset of the chunk (a multiple of 4), {@code a1} = its
 * length, {@code a2} = its observable word {@code k}, {@code a5} = the overlap: the first {@code a5}
 * bytes only lead the automaton into the chunk; the chunk <em>owns</em> the matches that end at a
 * position {@code >= a5} (ownership by end offset). With chunks that overlap by at least the longest
 * pattern minus 1, every match of the stream is owned by exactly one chunk, the one holding its last
 * byte as a new byte. (This is the argument layout of the io_uring pump with
 * {@code IngestOptions.overlapBytes}.)
 *
 * <p><b>Effects.</b> Each owned entry of output state {@code o} adds 1 to the 64-bit counter in
 * observable words {@code C + 2o} (low) and {@code C + 2o + 1} (high); runs of the same state are added
 * at once. With the log flag, owned entry {@code n} of the chunk is also written to observable words
 * {@code L + k * logWords + 2n} (its position in the chunk) and {@code + 1} (the state). At the end
 * observable word {@code k} holds the chunk's number of owned entries, or {@link #REFUSED} when the
 * chunk was refused (no table, {@code a0} not a multiple of 4, longer than the table's or the program's
 * limit, or not inside the data buffer): refused chunks change nothing else. The opcode never reads
 * outside the data buffer and never writes outside the control buffer, whatever the words hold.
 */
final class ScanProgram {

    /** The scan opcode (user range). */
    static final int OPCODE = 0x5CA0;
    /** Table magic, "VSCN" little-endian. */
    static final int MAGIC = 0x4E43_5356;
    static final String MAGIC_TEXT = "0x4E435356 (\"VSCN\")";
    /** Header words before the class map. */
    static final int HEADER_WORDS = 16;
    /** Class-map words (256 bytes). */
    static final int CLASS_MAP_WORDS = 64;
    /** Header word indices. */
    static final int H_MAGIC = 0;
    static final int H_FLAGS = 1;
    static final int H_CLASSES = 2;
    static final int H_STRIDE = 3;
    static final int H_CLASS_MAP = 4;
    static final int H_ROWS = 5;
    static final int H_COUNTERS = 6;
    static final int H_LOGS = 7;
    static final int H_LOG_WORDS = 8;
    static final int H_MAX_LENGTH = 9;
    /** Flag: log every owned entry's position and state. */
    static final int FLAG_LOG = 1;
    /** Observable word of a refused chunk. */
    static final int REFUSED = 0xFFFF_FFFF;
    /** The word loop's bound: a slot walks at most {@code 4 * WORD_BOUND} bytes. */
    static final int WORD_BOUND = 1 << 15;
    /** Longest chunk one slot walks, overlap included: 128 KiB. */
    static final int MAX_SLOT_BYTES = 4 * WORD_BOUND;

    /** The program; built once (its bounds are checked when it is built). */
    static final Program PROGRAM = build(WORD_BOUND);

    private ScanProgram() {
    }

    /** @return the scan opcode with its java, cuda-c and glsl bodies */
    static CustomOpcode opcode() {
        return IrOpcodes.irOpcode(OPCODE, PROGRAM);
    }

    static Program build(int wordBound) {
        return Program.build(b -> {
            Expr.Ref dataWords = b.let(Ir.asU32(Ir.shr(Ir.dataBytes(), Ir.u64(2))));
            Expr.Ref t = b.let(Ir.loadDataWord(Ir.sub(dataWords, Ir.u32(1)))); // 0 words: index 0xFFFFFFFF reads 0
            Expr.Ref magic = b.let(header(t, H_MAGIC));
            Expr.Ref flags = b.let(header(t, H_FLAGS));
            Expr.Ref classes = b.let(header(t, H_CLASSES));
            Expr.Ref classMap = b.let(Ir.add(t, header(t, H_CLASS_MAP)));
            Expr.Ref rows = b.let(Ir.add(t, header(t, H_ROWS)));
            Expr.Ref counters = b.let(Ir.add(Ir.u64(ControlLayout.OBSERVABLE_BASE), Ir.asU64(header(t, H_COUNTERS))));
            Expr.Ref maxLength = b.let(header(t, H_MAX_LENGTH));
            Expr.Ref start = b.let(Ir.arg(0));
            Expr.Ref length = b.let(Ir.arg(1));
            Expr.Ref owned = b.let(Ir.arg(5));
            Expr.Ref resultWord = b.let(Ir.add(Ir.u64(ControlLayout.OBSERVABLE_BASE), Ir.asU64(Ir.arg(2))));
            Expr.Ref logs = b.let(Ir.add(Ir.add(Ir.u64(ControlLayout.OBSERVABLE_BASE), Ir.asU64(header(t, H_LOGS))),
                    Ir.mul(Ir.asU64(Ir.arg(2)), Ir.asU64(header(t, H_LOG_WORDS)))));
            Expr.Ref logging = b.let(Ir.ne(Ir.and(flags, Ir.u32(FLAG_LOG)), Ir.u32(0)));
            Expr ok = Ir.and(Ir.and(Ir.eq(magic, Ir.u32(MAGIC)), Ir.eq(Ir.and(start, Ir.u32(3)), Ir.u32(0))),
                    Ir.and(Ir.and(Ir.le(length, maxLength), Ir.le(length, Ir.u32(4 * wordBound))),
                            Ir.le(Ir.add(Ir.asU64(start), Ir.asU64(length)), Ir.dataBytes())));
            b.ifThenElse(ok, walk -> {
                Walk w = new Walk(walk, classMap, rows, classes, counters, logs, logging, owned);
                Expr.Ref words = walk.let(Ir.shr(length, Ir.u32(2)));
                Expr.Ref first = walk.let(Ir.shr(start, Ir.u32(2)));
                walk.loop(words, wordBound, (body, i) -> {
                    Expr.Ref word = body.let(Ir.loadDataWord(Ir.add(first, i)));
                    // the four classes first: their loads do not wait for the state chain
                    Expr.Ref[] classOf = new Expr.Ref[4];
                    for (int k = 0; k < 4; k++) {
                        classOf[k] = w.classOf(body, Ir.and(Ir.shr(word, Ir.u32(8 * k)), Ir.u32(0xFF)));
                    }
                    for (int k = 0; k < 4; k++) {
                        w.step(body, classOf[k]);
                    }
                });
                Expr.Ref rest = walk.let(Ir.add(start, Ir.shl(words, Ir.u32(2))));
                walk.loop(Ir.and(length, Ir.u32(3)), 3,
                        (body, j) -> w.step(body, w.classOf(body, Ir.loadDataByte(Ir.add(rest, j)))));
                w.flush(walk);
                walk.store(resultWord, w.hits);
            }, refused -> refused.store(resultWord, Ir.u32(REFUSED)));
        });
    }

    private static Expr header(Expr.Ref t, int word) {
        return Ir.loadDataWord(Ir.add(t, Ir.u32(word)));
    }

    /** The walk's state and its per-byte step, emitted inline for each byte. */
    private static final class Walk {
        private final Expr.Ref classMap;
        private final Expr.Ref rows;
        private final Expr.Ref classes;
        private final Expr.Ref counters;
        private final Expr.Ref logs;
        private final Expr.Ref logging;
        private final Expr.Ref owned;
        final Expr.Ref state;
        final Expr.Ref position;
        final Expr.Ref pending;
        final Expr.Ref run;
        final Expr.Ref hits;

        Walk(Block b, Expr.Ref classMap, Expr.Ref rows, Expr.Ref classes, Expr.Ref counters, Expr.Ref logs,
             Expr.Ref logging, Expr.Ref owned) {
            this.classMap = classMap;
            this.rows = rows;
            this.classes = classes;
            this.counters = counters;
            this.logs = logs;
            this.logging = logging;
            this.owned = owned;
            this.state = b.var(Ir.u32(0));
            this.position = b.var(Ir.u32(0));
            this.pending = b.var(Ir.u32(0xFFFF_FFFF));
            this.run = b.var(Ir.u32(0));
            this.hits = b.var(Ir.u32(0));
        }

        /** @return the byte class of byte {@code value}, from the class map */
        Expr.Ref classOf(Block b, Expr value) {
            Expr.Ref v = b.let(value);
            Expr.Ref map = b.let(Ir.loadDataWord(Ir.add(classMap, Ir.shr(v, Ir.u32(2)))));
            return b.let(Ir.and(Ir.shr(map, Ir.shl(Ir.and(v, Ir.u32(3)), Ir.u32(3))), Ir.u32(0xFF)));
        }

        /** One byte of class {@code cls}: transition, and for an owned entry of an output state, count (and log) it. */
        void step(Block b, Expr.Ref cls) {
            Expr.Ref entry = b.let(Ir.loadDataWord(Ir.add(rows, Ir.add(state, cls))));
            b.set(state, Ir.and(entry, Ir.u32(0x7FFF_FFFF)));
            b.ifThen(Ir.and(Ir.ne(Ir.and(entry, Ir.u32(0x8000_0000)), Ir.u32(0)), Ir.ge(position, owned)), hit -> {
                Expr.Ref output = hit.let(Ir.loadDataWord(Ir.add(rows, Ir.add(state, classes))));
                hit.ifThenElse(Ir.eq(output, pending), same -> same.set(run, Ir.add(run, Ir.u32(1))), other -> {
                    flush(other);
                    other.set(pending, output);
                    other.set(run, Ir.u32(1));
                });
                hit.ifThen(logging, log -> {
                    Expr.Ref at = log.let(Ir.add(logs, Ir.asU64(Ir.shl(hits, Ir.u32(1)))));
                    log.store(at, position);
                    log.store(Ir.add(at, Ir.u64(1)), output);
                });
                hit.set(hits, Ir.add(hits, Ir.u32(1)));
            });
            b.set(position, Ir.add(position, Ir.u32(1)));
        }

        /** Adds the pending run to its 64-bit counter: low word, and a carry into the high word when it wraps. */
        void flush(Block b) {
            b.ifThen(Ir.ne(run, Ir.u32(0)), f -> {
                Expr.Ref at = f.let(Ir.add(counters, Ir.asU64(Ir.shl(pending, Ir.u32(1)))));
                Expr.Ref old = f.atomicAdd(at, run);
                f.ifThen(Ir.lt(Ir.add(old, run), old), carry -> carry.atomicAdd(Ir.add(at, Ir.u64(1)), Ir.u32(1)));
            });
        }
    }
}

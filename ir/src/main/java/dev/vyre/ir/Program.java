package dev.vyre.ir;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.apiguardian.api.API;

/**
 * A checked IR program: the body of one custom opcode. It is immutable, always terminates (its work
 * bound is at most {@link #WORK_BUDGET}) and has a defined result for every input. Build one with
 * {@link #build}, from nodes with {@link #of}, or from bytes with {@link #decode}; each checks the whole
 * program and throws {@link IrException} naming the first offending node.
 *
 * <p>Two programs are equal when their {@link #encode() encodings} are; the {@link #fingerprint()} is
 * the SHA-256 of the encoding.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public final class Program {

    /**
     * The hard per-slot budget: the most IR operations one execution may perform, loops multiplied out
     * by their bounds (see docs/IR.md, "Loop budget").
     */
    public static final int WORK_BUDGET = 1 << 24;

    /** Version of the binary encoding {@link #encode()} writes and {@link #decode} reads. */
    public static final int ENCODING_VERSION = 1;

    private final List<Stmt> body;
    private final int bindings;
    private final int nodes;
    private final long workBound;
    private final byte[] encoding;

    private Program(List<Stmt> body, Validator.Summary summary) {
        this.body = body;
        this.bindings = summary.bindings();
        this.nodes = summary.nodes();
        this.workBound = summary.work();
        this.encoding = Encoder.encode(body);
    }

    /**
     * Builds a program: {@code body} adds statements to the top-level block.
     *
     * @throws IrException naming the first node that is not well formed
     */
    public static Program build(Consumer<Block> body) {
        Objects.requireNonNull(body, "body");
        Block root = Block.root();
        body.accept(root);
        return of(root.finish());
    }

    /**
     * @param body the top-level statements; bindings numbered 0, 1, 2, ... in definition order
     * @throws IrException naming the first node that is not well formed
     */
    public static Program of(List<Stmt> body) {
        List<Stmt> copy = Checks.statements("program", "body", body);
        return new Program(copy, Validator.check(copy));
    }

    /**
     * Reads a program from its {@link #encode() encoding}.
     *
     * @throws IrException naming the byte offset when the bytes are not exactly an encoding of a valid program
     */
    public static Program decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        List<Stmt> body = Decoder.decode(bytes);
        try {
            return of(body);
        } catch (IrException e) {
            throw new IrException("encoding", "decodes to an invalid program: " + e.node() + ": " + e.problem(), e.fix());
        }
    }

    /** @return the top-level statements */
    public List<Stmt> body() {
        return body;
    }

    /** @return the number of bindings (ids {@code 0 .. bindings-1}) */
    public int bindings() {
        return bindings;
    }

    /** @return the number of statement and expression nodes */
    public int nodes() {
        return nodes;
    }

    /** @return the most IR operations one execution performs, at most {@link #WORK_BUDGET} */
    public long workBound() {
        return workBound;
    }

    /** @return the canonical binary encoding (a new array each call) */
    public byte[] encode() {
        return encoding.clone();
    }

    /** @return the SHA-256 of {@link #encode()}, as 64 lower-case hex digits */
    public String fingerprint() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encoding));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256, which every Java platform must provide."
                    + " Fix: run on a standard JDK", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Program p && Arrays.equals(encoding, p.encoding);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoding);
    }

    /** @return the program as text (docs/IR.md, "Listing"); for reading, not for parsing */
    @Override
    public String toString() {
        return Listing.of(body);
    }
}

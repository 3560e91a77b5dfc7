package dev.vyre.protocol.replay;

import dev.vyre.protocol.VyreArgumentException;
import java.util.Arrays;
import java.util.Objects;

/**
 * BLAKE3 in its hash mode (no key, no key derivation), for inputs of any length and outputs of any
 * length (the extendable output: the first 32 bytes are the default hash). One call hashes a whole
 * input; it keeps its state on the stack of the call, so it is thread-safe. Tested against the official
 * test vectors ({@code BLAKE3-team/BLAKE3}, {@code test_vectors/test_vectors.json}).
 *
 * <p>The replay log's output digest ({@link ReplayFailureEvidence#digestOf}) is the first 8 bytes of this
 * hash, read little-endian.
 */
public final class Blake3 {

    /** Bytes of the default hash. */
    public static final int OUT_LEN = 32;
    private static final int BLOCK_LEN = 64;
    private static final int CHUNK_LEN = 1024;
    private static final int CHUNK_START = 1;
    private static final int CHUNK_END = 2;
    private static final int PARENT = 4;
    private static final int ROOT = 8;
    /** Chaining values a 2^64-byte input can leave on the stack. */
    private static final int MAX_DEPTH = 54;
    private static final int[] IV = {0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C,
        0x1F83D9AB, 0x5BE0CD19};
    /** Message word order of rounds 1..6: each round permutes the previous round's order. */
    private static final int[][] SCHEDULE = schedule();

    private Blake3() {
    }

    /** @return the 32-byte BLAKE3 hash of {@code input} */
    public static byte[] hash(byte[] input) {
        byte[] out = new byte[OUT_LEN];
        hash(input, 0, input.length, out, 0, OUT_LEN);
        return out;
    }

    /**
     * Writes {@code outLength} bytes of the BLAKE3 output of {@code input[offset .. offset + length)} into
     * {@code out} from {@code outOffset}: the 32-byte hash when {@code outLength} is 32, its extension when
     * longer (a shorter output is a prefix of a longer one).
     *
     * @throws VyreArgumentException when a range lies outside its array
     */
    public static void hash(byte[] input, int offset, int length, byte[] out, int outOffset, int outLength) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(out, "out");
        if (offset < 0 || length < 0 || offset > input.length - length) {
            throw new VyreArgumentException("length", "bytes " + offset + " .. " + offset + " + " + length
                    + " lie outside an input of " + input.length + " bytes", "pass a range inside the array");
        }
        if (outOffset < 0 || outLength < 0 || outOffset > out.length - outLength) {
            throw new VyreArgumentException("outLength", "bytes " + outOffset + " .. " + outOffset + " + "
                    + outLength + " lie outside an output of " + out.length + " bytes", "pass a range inside the array");
        }
        int[] stack = new int[MAX_DEPTH * 8];
        int depth = 0;
        int[] cv = new int[8];
        int[] block = new int[16];
        long chunk = 0;
        int end = offset + length;
        int at = offset;
        // every chunk but the last (which may be full) is compressed and merged into the stack
        while (end - at > CHUNK_LEN) {
            chunkChainingValue(input, at, CHUNK_LEN, chunk, cv, block);
            chunk++;
            System.arraycopy(cv, 0, stack, depth * 8, 8);
            depth++;
            for (long total = chunk; (total & 1) == 0; total >>>= 1) { // merge completed subtrees
                depth--;
                parentChainingValue(stack, (depth - 1) * 8, stack, depth * 8, cv, block);
                System.arraycopy(cv, 0, stack, (depth - 1) * 8, 8);
            }
            at += CHUNK_LEN;
        }
        // the last chunk: all blocks but its last, then the root (or the chain of parents above it)
        int lastLength = end - at;
        System.arraycopy(IV, 0, cv, 0, 8);
        int blocks = lastLength == 0 ? 1 : (lastLength + BLOCK_LEN - 1) / BLOCK_LEN;
        int[] state = new int[16];
        for (int b = 0; b < blocks - 1; b++) {
            load(input, at + b * BLOCK_LEN, BLOCK_LEN, block);
            compress(cv, block, chunk, BLOCK_LEN, b == 0 ? CHUNK_START : 0, state);
            System.arraycopy(state, 0, cv, 0, 8);
        }
        int tail = lastLength - (blocks - 1) * BLOCK_LEN;
        load(input, at + (blocks - 1) * BLOCK_LEN, tail, block);
        int[] outCv = cv.clone();
        int[] outBlock = block.clone();
        long outCounter = chunk;
        int outBlockLen = tail;
        int outFlags = CHUNK_END | (blocks == 1 ? CHUNK_START : 0);
        while (depth > 0) {
            compress(outCv, outBlock, outCounter, outBlockLen, outFlags, state);
            depth--;
            System.arraycopy(stack, depth * 8, outBlock, 0, 8);
            System.arraycopy(state, 0, outBlock, 8, 8);
            System.arraycopy(IV, 0, outCv, 0, 8);
            outCounter = 0;
            outBlockLen = BLOCK_LEN;
            outFlags = PARENT;
        }
        // root output: block counter 0, 1, ... for each 64 bytes of output
        for (long k = 0; k * BLOCK_LEN < outLength; k++) {
            compress(outCv, outBlock, k, outBlockLen, outFlags | ROOT, state);
            int base = outOffset + (int) k * BLOCK_LEN;
            int n = Math.min(BLOCK_LEN, outLength - (int) k * BLOCK_LEN);
            for (int i = 0; i < n; i++) {
                out[base + i] = (byte) (state[i >>> 2] >>> ((i & 3) * 8));
            }
        }
    }

    /** The chaining value of one full chunk (not the root): its 16 blocks compressed in order. */
    private static void chunkChainingValue(byte[] input, int at, int length, long counter, int[] cv, int[] block) {
        System.arraycopy(IV, 0, cv, 0, 8);
        int[] state = new int[16];
        int blocks = length / BLOCK_LEN;
        for (int b = 0; b < blocks; b++) {
            load(input, at + b * BLOCK_LEN, BLOCK_LEN, block);
            int flags = (b == 0 ? CHUNK_START : 0) | (b == blocks - 1 ? CHUNK_END : 0);
            compress(cv, block, counter, BLOCK_LEN, flags, state);
            System.arraycopy(state, 0, cv, 0, 8);
        }
    }

    /** The chaining value of a parent of the two chaining values at {@code left} and {@code right}. */
    private static void parentChainingValue(int[] leftArray, int left, int[] rightArray, int right, int[] cv,
                                            int[] block) {
        System.arraycopy(leftArray, left, block, 0, 8);
        System.arraycopy(rightArray, right, block, 8, 8);
        int[] state = new int[16];
        compress(IV, block, 0, BLOCK_LEN, PARENT, state);
        System.arraycopy(state, 0, cv, 0, 8);
    }

    /** Reads {@code length} (at most 64) bytes as 16 little-endian words, zero-padded. */
    private static void load(byte[] input, int at, int length, int[] block) {
        Arrays.fill(block, 0);
        for (int i = 0; i < length; i++) {
            block[i >>> 2] |= (input[at + i] & 0xFF) << ((i & 3) * 8);
        }
    }

    /** The compression function; {@code out} receives all 16 output words. */
    private static void compress(int[] cv, int[] block, long counter, int blockLen, int flags, int[] out) {
        int[] s = out;
        System.arraycopy(cv, 0, s, 0, 8);
        System.arraycopy(IV, 0, s, 8, 4);
        s[12] = (int) counter;
        s[13] = (int) (counter >>> 32);
        s[14] = blockLen;
        s[15] = flags;
        for (int[] m : SCHEDULE) {
            g(s, 0, 4, 8, 12, block[m[0]], block[m[1]]);
            g(s, 1, 5, 9, 13, block[m[2]], block[m[3]]);
            g(s, 2, 6, 10, 14, block[m[4]], block[m[5]]);
            g(s, 3, 7, 11, 15, block[m[6]], block[m[7]]);
            g(s, 0, 5, 10, 15, block[m[8]], block[m[9]]);
            g(s, 1, 6, 11, 12, block[m[10]], block[m[11]]);
            g(s, 2, 7, 8, 13, block[m[12]], block[m[13]]);
            g(s, 3, 4, 9, 14, block[m[14]], block[m[15]]);
        }
        for (int i = 0; i < 8; i++) {
            s[i] ^= s[i + 8];
            s[i + 8] ^= cv[i];
        }
    }

    private static void g(int[] s, int a, int b, int c, int d, int mx, int my) {
        s[a] = s[a] + s[b] + mx;
        s[d] = Integer.rotateRight(s[d] ^ s[a], 16);
        s[c] = s[c] + s[d];
        s[b] = Integer.rotateRight(s[b] ^ s[c], 12);
        s[a] = s[a] + s[b] + my;
        s[d] = Integer.rotateRight(s[d] ^ s[a], 8);
        s[c] = s[c] + s[d];
        s[b] = Integer.rotateRight(s[b] ^ s[c], 7);
    }

    private static int[][] schedule() {
        int[] permutation = {2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8};
        int[][] rounds = new int[7][16];
        for (int i = 0; i < 16; i++) {
            rounds[0][i] = i;
        }
        for (int r = 1; r < 7; r++) {
            for (int i = 0; i < 16; i++) {
                rounds[r][i] = rounds[r - 1][permutation[i]];
            }
        }
        return rounds;
    }
}

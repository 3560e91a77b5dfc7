package dev.vyre.backend.opencl;

import dev.vyre.protocol.IoLink;
import dev.vyre.protocol.IoQueueLayout;

/**
 * The link block: words a running kernel and the host exchange outside the five protocol buffers
 * (extension words, docs/PROTOCOL.md), so control snapshots stay byte-identical with other backends.
 * Word offsets must match {@code vyre_interpreter.cl}.
 */
final class OpenClLink {

    /** Persistent kernel: work-item 0 adds 1 per sweep; a lane waiting on LOAD_MISS adds 1 every 1024 polls. */
    static final int HEARTBEAT = 0;
    /** Persistent kernel: each work-item adds 1 as it leaves after SHUTDOWN. */
    static final int STOPPED = 1;
    /** Handshake: the kernel stores 1 when it starts. */
    static final int HS_STARTED = 2;
    /** Handshake: the host stores round r's token (r). */
    static final int HS_TOKEN = 3;
    /** Handshake: the kernel stores r once it saw round r's token. */
    static final int HS_ACK = 4;
    /** Handshake: polls the kernel made in all rounds (low, high word). */
    static final int HS_POLLS_LO = 5;
    static final int HS_POLLS_HI = 6;
    /** Handshake: the kernel stores 1 as it ends. */
    static final int HS_FINISHED = 7;
    /** Bytes of the block without the IO link (one pass, handshake). */
    static final long BYTES = 64;
    /** Persistent sessions: first word of the IO link block ({@link IoLink}), after the words above. */
    static final int IO_LINK = 16;
    /** Persistent sessions: bytes of the block, the IO link and its 128 device-only words (reservations, sequences). */
    static final long PERSISTENT_BYTES = BYTES + IoLink.BYTES + 2L * IoQueueLayout.IO_SLOT_COUNT * Integer.BYTES;

    /**
     * Isolated mode: first word of the isolation block ({@code dev.vyre.protocol.TenantIsolation}), after the
     * persistent words (one-pass and persistent alike; {@code L_ISOLATION} in the kernel).
     */
    static final int ISOLATION = (int) (PERSISTENT_BYTES / Integer.BYTES);
    /** Isolated mode: bytes of the block with the isolation block at {@link #ISOLATION}. */
    static final long ISOLATED_BYTES = PERSISTENT_BYTES + (long) dev.vyre.protocol.TenantIsolation.BLOCK_WORDS
            * Integer.BYTES;

    /** @return the link block's bytes: {@code plain} in the default mode, {@link #ISOLATED_BYTES} when isolated */
    static long bytes(long plain, boolean isolated) {
        return isolated ? ISOLATED_BYTES : plain;
    }

    private OpenClLink() {
    }
}

/**
 * The compile cache for backend authors: compiled artifacts (PTX, cubin, SPIR-V, pipeline-cache blobs)
 * found by content, so a warm start compiles nothing.
 *
 * <h2>Using it in a backend</h2>
 * <ol>
 *   <li>Fingerprint everything the compiler reads: {@link dev.vyre.spi.cache.CacheKey#sha256(String...)}
 *       over the whole translation unit and every option that changes the output (defines, target
 *       architecture, optimisation level). Custom opcodes are part of the translation unit, so an IR
 *       opcode's body, and with it its IR fingerprint, is in the key.</li>
 *   <li>Name the backend (the provider's name), the device as precisely as the artifact depends on it,
 *       and the compiler with its version: {@code new CacheKey(fingerprint, "cuda", "sm_90", "nvrtc 12.8")}.
 *       The backend is part of the key, so no backend is ever served another's artifact.</li>
 *   <li>Ask {@link dev.vyre.spi.cache.CompileCache#shared()}{@code .getOrCompile(key, () -> compile(...))}.
 *       The compiler runs only on a miss; its exceptions reach you unchanged.</li>
 * </ol>
 * For state that a driver updates (a {@code VkPipelineCache} blob), use {@code get} at start-up and
 * {@code put} at close under a key whose fingerprint names what the blob is.
 *
 * <h2>Guarantees</h2>
 * The memory store keeps the most recently used artifacts within an entry and a byte budget. The disk
 * store writes each artifact to a temporary file and renames it into place atomically; each file names
 * its key and ends with a SHA-256 footer; it never follows a symbolic link; it caps its total size,
 * deleting the least recently used files first. A corrupt, truncated or symlinked file is a miss and one
 * log line, never an exception. {@link dev.vyre.spi.cache.CompileCache#metrics()} counts lookups, hits,
 * misses, compiles and bytes. Settings (directory, caps, off) are listed on
 * {@link dev.vyre.spi.cache.CompileCache}; tests point {@value dev.vyre.spi.cache.CompileCache#DIR_PROPERTY}
 * at a temporary directory.
 */
package dev.vyre.spi.cache;

/**
 * The backend SPI: what a backend author implements so that the vyre runtime can drive a device.
 *
 * <h2>The pieces</h2>
 * <ul>
 *   <li>{@link dev.vyre.spi.BackendProvider}: found with {@link java.util.ServiceLoader}; a name, a
 *       priority, a {@link dev.vyre.spi.Probe} that never throws, and {@code open()}.</li>
 *   <li>{@link dev.vyre.spi.Backend}: an opened device; its {@link dev.vyre.spi.Capabilities}, a one-pass
 *       {@code dispatch} and {@code openSession}.</li>
 *   <li>{@link dev.vyre.spi.SessionDriver}: one running interpreter: its buffers, a doorbell, control
 *       reads and writes, liveness, stop and close.</li>
 * </ul>
 * The runtime ({@code dev.vyre.api.Session}) validates every request before a backend sees it and
 * implements every protocol rule once: publishing, waits, snapshots, the IO queue, shutdown.
 *
 * <h2>Memory ordering (the whole contract)</h2>
 * <ol>
 *   <li><b>Publishing.</b> The runtime writes a slot's words 1..15, then its status word. When
 *       {@link dev.vyre.spi.SessionMemory#ringPolled()} is true it release-stores each status after
 *       that slot's other words; otherwise it may copy whole runs at once, and then calls
 *       {@link dev.vyre.spi.SessionDriver#announce}. The driver must make the run visible to the
 *       device no earlier than the words it announces (a fence before a doorbell in write-combined
 *       memory, a release store of a tail, ...).</li>
 *   <li><b>Claiming.</b> The interpreter claims a PUBLISHED slot exactly once (a CAS on the status, or
 *       a per-slot generation), moving it to CLAIMED.</li>
 *   <li><b>Completing.</b> The interpreter makes all of a slot's effects (control words, debug log,
 *       DONE_COUNT) visible to the host before it stores DONE or FAULT (release). A host that reads DONE
 *       with acquire, then reads the effects through {@link dev.vyre.spi.SessionDriver#readControl} or a
 *       snapshot, sees them.</li>
 *   <li><b>Recycling.</b> The host writes only EMPTY and DONE slots; the interpreter never writes a slot
 *       after storing its final status, until the next announce of that slot.</li>
 *   <li><b>IO queue.</b> Statuses move by compare-and-set on both sides; the runtime claims PUBLISHED
 *       requests and completes CLAIMED ones.</li>
 *   <li><b>Control writes.</b> {@link dev.vyre.spi.SessionDriver#writeControl} stores with release and
 *       makes the interpreter see the word within a bounded time; SHUTDOWN (word 0) ends every lane.</li>
 * </ol>
 *
 * <h2>Certification</h2>
 * Run {@code dev.vyre.conformance.ConformanceTests.forProvider(new MyProvider())} from a JUnit 5
 * {@code @TestFactory}: every protocol buffer is compared byte for byte with the reference backend. See
 * {@code docs/WRITING-A-BACKEND.md}.
 */
package dev.vyre.spi;

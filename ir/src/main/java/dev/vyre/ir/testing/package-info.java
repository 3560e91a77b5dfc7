/**
 * Test support for IR consumers: a seeded generator of well-formed, hostile IR programs
 * ({@link dev.vyre.ir.testing.IrProgramGenerator}) and a slot context over plain arrays with the protocol's
 * bounds rule ({@link dev.vyre.ir.testing.BoundedSlotContext}).
 *
 * <p>These classes are main code of the IR module so that the IR's own tests, the conformance suite's
 * differential fuzzer, the fuzz targets and the benchmarks share one generator and one host context: the
 * IR's tests cannot depend on the conformance suite, which depends on the IR (Maven refuses the cycle, test
 * scope included). They are not user API: the module exports this package only to the conformance suite
 * ({@code dev.vyre.conformance}) and the benchmarks ({@code dev.vyre.bench}); on the class path (the fuzz
 * module, the distribution's {@code lib/}) it is visible like every package of the jar. Both classes are
 * {@code @API(status = INTERNAL)} and may change in any release.
 */
@API(status = API.Status.INTERNAL, since = "0.2")
package dev.vyre.ir.testing;

import org.apiguardian.api.API;

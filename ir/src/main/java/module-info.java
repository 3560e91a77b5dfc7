/**
 * The opcode IR: a small typed, structured language for custom-opcode bodies that always terminates and
 * has no undefined behaviour, its canonical binary encoding and SHA-256 fingerprint, a Java evaluator
 * (an {@link dev.vyre.protocol.OpcodeHandler}) and CUDA C / GLSL lowerings. See {@code docs/IR.md}.
 *
 * <p>{@code dev.vyre.ir.testing} (a seeded program generator and a bounded slot context, shared by the IR's
 * tests, the conformance suite's differential fuzzer and the benchmarks) is exported to those two modules
 * only: it is test support, not user API. They are not dependencies of this one, hence the suppressed
 * "module not found" warning.
 */
@SuppressWarnings("module")
module dev.vyre.ir {
    requires transitive dev.vyre.protocol;
    requires static transitive org.apiguardian.api;
    exports dev.vyre.ir;
    exports dev.vyre.ir.testing to dev.vyre.conformance, dev.vyre.bench;
}

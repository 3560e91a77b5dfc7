/**
 * The opcode IR: a small typed, structured language for custom-opcode bodies that always terminates and
 * has no undefined behaviour, its canonical binary encoding and SHA-256 fingerprint, a Java evaluator
 * (an {@link dev.vyre.protocol.OpcodeHandler}) and CUDA C / GLSL lowerings. See {@code docs/IR.md}.
 */
module dev.vyre.ir {
    requires transitive dev.vyre.protocol;
    requires static transitive org.apiguardian.api;
    exports dev.vyre.ir;
}

package dev.vyre.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a new JVM runs to build, check, encode and lower an IR opcode (the warm-registration path) holds no pattern
 * switch and no {@code invokedynamic} string concatenation (the build compiles with {@code -XDstringConcat=inline}):
 * each such call site costs a new JVM milliseconds the first time it runs (docs/PERFORMANCE.md, "Session 9 on the
 * H100"). Lambdas stay: the builder API takes them. Records' generated methods cost only when called, and the path
 * calls none.
 */
class RegistrationPathBootstrapTest {

    /** The classes a registration runs before its first compile (Programs is the test's own program). */
    private static final List<Class<?>> PATH = List.of(Program.class, Block.class, Block.State.class, Scope.class,
            Validator.class, Checks.class, Encoder.class, Ir.class, Expr.class, Stmt.class, IrOpcodes.class,
            CEmitter.class, CDialect.class, CtxDialect.class, NativeU64.class, GlslDialect.class, Programs.class);

    /** Bootstrap owners that cost a new JVM a class spin (and, for the first switch, the class-file API). */
    private static final Set<String> COSTLY = Set.of("java/lang/runtime/SwitchBootstraps",
            "java/lang/invoke/StringConcatFactory");

    @Test
    void theRegistrationPathBootstrapsNoPatternSwitchOrStringConcatenation() throws IOException {
        List<String> found = new ArrayList<>();
        for (Class<?> c : PATH) {
            ClassModel model = model(c);
            for (MethodModel m : model.methods()) {
                m.code().ifPresent(code -> code.forEach(element -> {
                    if (element instanceof InvokeDynamicInstruction indy) {
                        String owner = indy.bootstrapMethod().owner().descriptorString();
                        String internal = owner.substring(1, owner.length() - 1);
                        if (COSTLY.contains(internal)) {
                            found.add(c.getSimpleName() + "." + m.methodName().stringValue() + ": " + internal);
                        }
                    }
                }));
            }
        }
        assertEquals(List.of(), found, "invokedynamic call sites on the registration path");
    }

    private static ClassModel model(Class<?> c) throws IOException {
        String name = c.getName().substring(c.getPackageName().length() + 1) + ".class";
        try (InputStream in = c.getResourceAsStream(name)) {
            assertNotNull(in, name);
            return ClassFile.of().parse(in.readAllBytes());
        }
    }
}

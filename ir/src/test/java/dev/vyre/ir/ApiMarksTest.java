package dev.vyre.ir;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;
import org.junit.jupiter.api.Test;

/** Every public type of the IR states its stability, and every public class is final. */
class ApiMarksTest {

    @Test
    void everyPublicTypeCarriesAStabilityMarkAndClassesAreFinal() {
        List<Class<?>> types = new ArrayList<>(List.of(Type.class, UnaryOp.class, BinaryOp.class, CompareOp.class,
                AtomicOp.class, Memory.class, ContextField.class, Expr.class, Stmt.class, Ir.class, Block.class,
                Program.class, IrException.class, IrHandler.class, IrOpcodes.class, Programs.class));
        types.addAll(List.of(Expr.class.getPermittedSubclasses()));
        types.addAll(List.of(Stmt.class.getPermittedSubclasses()));
        for (Class<?> type : types) {
            API api = type.getAnnotation(API.class);
            assertTrue(api != null && api.status() == API.Status.EXPERIMENTAL && "0.2".equals(api.since()),
                    type + " has no @API(status = EXPERIMENTAL, since = \"0.2\")");
            assertTrue(type.isInterface() || type.isEnum() || Modifier.isFinal(type.getModifiers()), type + " is not final");
        }
    }
}

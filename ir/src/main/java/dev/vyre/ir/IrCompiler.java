package dev.vyre.ir;

import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;
import static java.lang.constant.ConstantDescs.INIT_NAME;

import dev.vyre.protocol.SlotContext;
import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.Opcode;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;

/**
 * Lowers a {@link Program} to JVM bytecode with {@code java.lang.classfile} and defines it as a hidden
 * class extending {@link CompiledIrHandler}. Each binding gets its own JVM local (an {@code int} for
 * bool, u32 and i32, a {@code long} for u64); each loop a trip-count local. Expressions become stack
 * code; arithmetic the JVM has an instruction for (wrapping add/sub/mul/neg, bit operations, shifts,
 * which mask their count by 31 or 63 exactly as the IR does) is inline; division, remainder, unsigned
 * min/max and every memory access call {@link SlotOps}, the rules the evaluator uses.
 */
final class IrCompiler {
    /**
     * The HotSpot JIT compiles no method whose bytecode is longer than this ({@code -XX:HugeMethodLimit},
     * default 8000 bytes): such a method would stay in the bytecode interpreter.
     */
    static final int JIT_METHOD_LIMIT = 8000;

    private static final ClassDesc CD_SLOT_CONTEXT = ClassDesc.of(SlotContext.class.getName());
    private static final ClassDesc CD_HANDLER = ClassDesc.of(CompiledIrHandler.class.getName());
    private static final ClassDesc CD_PROGRAM = ClassDesc.of(Program.class.getName());
    private static final ClassDesc CD_OPS = ClassDesc.of(SlotOps.class.getName());
    private static final ClassDesc CD_SELF = ClassDesc.of(IrCompiler.class.getPackageName() + ".CompiledProgram");
    private static final MethodTypeDesc MT_INIT = MethodTypeDesc.of(CD_void, CD_PROGRAM);
    private static final MethodTypeDesc MT_EXECUTE = MethodTypeDesc.of(CD_void, CD_SLOT_CONTEXT);
    private static final MethodTypeDesc MT_II_I = MethodTypeDesc.of(CD_int, CD_int, CD_int);
    private static final MethodTypeDesc MT_JJ_J = MethodTypeDesc.of(CD_long, CD_long, CD_long);
    private static final MethodTypeDesc MT_LOAD = MethodTypeDesc.of(CD_int, CD_SLOT_CONTEXT, CD_long);
    private static final MethodTypeDesc MT_RMW = MethodTypeDesc.of(CD_int, CD_SLOT_CONTEXT, CD_long, CD_int);
    private static final MethodTypeDesc MT_STORE = MethodTypeDesc.of(CD_void, CD_SLOT_CONTEXT, CD_long, CD_int);
    private static final MethodTypeDesc MT_CAS = MethodTypeDesc.of(CD_int, CD_SLOT_CONTEXT, CD_long, CD_int, CD_int);
    private static final MethodTypeDesc MT_INT = MethodTypeDesc.of(CD_int);
    private static final MethodTypeDesc MT_LONG = MethodTypeDesc.of(CD_long);
    private static final MethodTypeDesc MT_ARG = MethodTypeDesc.of(CD_int, CD_int);
    private static final int THIS = 0;
    private static final int CTX = 1;
    private static final int MAX_LOCALS = 65_535;

    private final Program program;
    private final int[] slotOf;
    private int nextLocal;

    private IrCompiler(Program program) {
        this.program = program;
        this.slotOf = new int[program.bindings()];
    }

    static CompiledIrHandler compile(Program program) {
        return define(program, classBytes(program));
    }

    /**
     * @return {@code program} compiled, or null when its bytecode would not fit one method or would be too
     *         long for the JIT to compile ({@link #JIT_METHOD_LIMIT}), where the evaluator is faster
     */
    static CompiledIrHandler compileIfJitted(Program program) {
        byte[] bytes;
        try {
            bytes = classBytes(program);
        } catch (IrException e) {
            return null;
        }
        return codeLength(bytes) <= JIT_METHOD_LIMIT ? define(program, bytes) : null;
    }

    private static CompiledIrHandler define(Program program, byte[] bytes) {
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClass(bytes, true);
            return (CompiledIrHandler) hidden.findConstructor(hidden.lookupClass(),
                    MethodType.methodType(void.class, Program.class)).invoke(program);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("defining the compiled IR class failed: " + t, t);
        }
    }

    /** @return the class file of {@code program}'s hidden class */
    static byte[] classBytes(Program program) {
        IrCompiler c = new IrCompiler(program);
        c.allocate(program.body());
        try {
            return ClassFile.of().build(CD_SELF, cb -> cb
                    .withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER | ClassFile.ACC_SYNTHETIC)
                    .withSuperclass(CD_HANDLER)
                    .withMethodBody(INIT_NAME, MT_INIT, ClassFile.ACC_PUBLIC, code -> code
                            .aload(THIS).aload(1).invokespecial(CD_HANDLER, INIT_NAME, MT_INIT).return_())
                    .withMethodBody("execute", MT_EXECUTE, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, code -> {
                        c.block(code, program.body());
                        code.return_();
                    }));
        } catch (IllegalArgumentException e) {
            throw new IrException("program", "its bytecode does not fit one JVM method (" + e.getMessage() + ")",
                    "run it with IrHandler (IrOpcodes.java chooses it by itself), or split the work over several opcodes");
        }
    }

    /** @return the length of the compiled {@code execute} method's bytecode */
    static int codeLength(byte[] classBytes) {
        return ClassFile.of().parse(classBytes).methods().stream()
                .filter(m -> m.methodName().equalsString("execute"))
                .flatMap(m -> m.findAttribute(java.lang.classfile.Attributes.code()).stream())
                .mapToInt(CodeAttribute::codeLength).findFirst().orElseThrow();
    }

    /** Gives every binding its local (in definition order) and every loop its trip-count local. */
    private void allocate(List<Stmt> body) {
        nextLocal = 2;
        walk(body);
        if (nextLocal > MAX_LOCALS) {
            throw new IrException("program", "it needs " + nextLocal + " JVM locals, more than " + MAX_LOCALS,
                    "run it with IrHandler (IrOpcodes.java chooses it by itself), or use fewer bindings");
        }
    }

    private void walk(List<Stmt> stmts) {
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.Let l -> bind(l.id(), l.value().type());
                case Stmt.Var v -> bind(v.id(), v.init().type());
                case Stmt.Atomic a -> bind(a.id(), a.type());
                case Stmt.If i -> {
                    walk(i.then());
                    walk(i.otherwise());
                }
                case Stmt.For f -> {
                    bind(f.id(), Type.U32);
                    nextLocal++;
                    walk(f.body());
                }
                case Stmt.Assign a -> { }
                case Stmt.Store st -> { }
            }
        }
    }

    private void bind(int id, Type t) {
        slotOf[id] = nextLocal;
        nextLocal += t == Type.U64 ? 2 : 1;
    }

    private void block(CodeBuilder code, List<Stmt> stmts) {
        for (Stmt s : stmts) {
            statement(code, s);
        }
    }

    private void statement(CodeBuilder code, Stmt s) {
        switch (s) {
            case Stmt.Let l -> {
                expr(code, l.value());
                storeLocal(code, l.value().type(), slotOf[l.id()]);
            }
            case Stmt.Var v -> {
                expr(code, v.init());
                storeLocal(code, v.init().type(), slotOf[v.id()]);
            }
            case Stmt.Assign a -> {
                expr(code, a.value());
                storeLocal(code, a.value().type(), slotOf[a.target().id()]);
            }
            case Stmt.Store st -> {
                code.aload(CTX);
                index(code, st.index());
                expr(code, st.value());
                code.invokestatic(CD_OPS, "store", MT_STORE);
            }
            case Stmt.Atomic a -> {
                code.aload(CTX);
                index(code, a.index());
                boolean signed = a.type() == Type.I32;
                switch (a.op()) {
                    case ADD -> {
                        expr(code, a.value());
                        code.invokestatic(CD_OPS, "atomicAdd", MT_RMW);
                    }
                    case CAS -> {
                        expr(code, a.expected());
                        expr(code, a.value());
                        code.invokestatic(CD_OPS, "compareAndSwap", MT_CAS);
                    }
                    case MIN -> {
                        expr(code, a.value());
                        code.invokestatic(CD_OPS, signed ? "atomicMinI32" : "atomicMinU32", MT_RMW);
                    }
                    case MAX -> {
                        expr(code, a.value());
                        code.invokestatic(CD_OPS, signed ? "atomicMaxI32" : "atomicMaxU32", MT_RMW);
                    }
                }
                code.istore(slotOf[a.id()]);
            }
            case Stmt.If i -> {
                Label otherwise = code.newLabel();
                Label end = code.newLabel();
                expr(code, i.condition());
                code.ifeq(otherwise);
                block(code, i.then());
                code.goto_(end);
                code.labelBinding(otherwise);
                block(code, i.otherwise());
                code.labelBinding(end);
            }
            case Stmt.For f -> {
                int k = slotOf[f.id()];
                int n = k + 1;
                Label top = code.newLabel();
                Label end = code.newLabel();
                expr(code, f.count());
                code.loadConstant(f.bound());
                code.invokestatic(CD_OPS, "trips", MT_II_I);
                code.istore(n);
                code.iconst_0();
                code.istore(k);
                code.labelBinding(top);
                code.iload(k);
                code.iload(n);
                code.if_icmpge(end);
                block(code, f.body());
                code.iinc(k, 1);
                code.goto_(top);
                code.labelBinding(end);
            }
        }
    }

    private static void storeLocal(CodeBuilder code, Type t, int slot) {
        if (t == Type.U64) {
            code.lstore(slot);
        } else {
            code.istore(slot);
        }
    }

    /** Pushes an index as an unsigned {@code long}: a u32 zero-extended, a u64 as it is. */
    private void index(CodeBuilder code, Expr e) {
        expr(code, e);
        if (e.type() != Type.U64) {
            zeroExtend(code);
        }
    }

    private static void zeroExtend(CodeBuilder code) {
        code.i2l();
        code.loadConstant(0xFFFF_FFFFL);
        code.land();
    }

    private void expr(CodeBuilder code, Expr e) {
        switch (e) {
            case Expr.Const c -> {
                if (c.type() == Type.U64) {
                    code.loadConstant(c.bits());
                } else {
                    code.loadConstant((int) c.bits());
                }
            }
            case Expr.Ref r -> {
                if (r.type() == Type.U64) {
                    code.lload(slotOf[r.id()]);
                } else {
                    code.iload(slotOf[r.id()]);
                }
            }
            case Expr.Unary u -> unary(code, u);
            case Expr.Binary b -> binary(code, b);
            case Expr.Compare c -> compare(code, c);
            case Expr.Select s -> {
                Label otherwise = code.newLabel();
                Label end = code.newLabel();
                expr(code, s.condition());
                code.ifeq(otherwise);
                expr(code, s.ifTrue());
                code.goto_(end);
                code.labelBinding(otherwise);
                expr(code, s.ifFalse());
                code.labelBinding(end);
            }
            case Expr.Convert c -> convert(code, c.value(), c.to());
            case Expr.Context c -> {
                code.aload(CTX);
                switch (c.field()) {
                    case OPCODE -> code.invokeinterface(CD_SLOT_CONTEXT, "opcode", MT_INT);
                    case SLOT -> code.invokeinterface(CD_SLOT_CONTEXT, "slot", MT_INT);
                    case TENANT -> code.invokeinterface(CD_SLOT_CONTEXT, "tenant", MT_INT);
                    case CONTROL_WORDS -> code.invokeinterface(CD_SLOT_CONTEXT, "controlWords", MT_LONG);
                    case DATA_BYTES -> code.invokeinterface(CD_SLOT_CONTEXT, "dataBytes", MT_LONG);
                }
            }
            case Expr.Arg a -> {
                code.aload(CTX);
                code.loadConstant(a.index());
                code.invokeinterface(CD_SLOT_CONTEXT, "arg", MT_ARG);
            }
            case Expr.Load l -> {
                code.aload(CTX);
                index(code, l.index());
                String helper = switch (l.memory()) {
                    case CONTROL -> "loadControl";
                    case DATA_BYTE -> "loadDataByte";
                    case DATA_WORD -> "loadDataWord";
                };
                code.invokestatic(CD_OPS, helper, MT_LOAD);
            }
        }
    }

    private void unary(CodeBuilder code, Expr.Unary u) {
        Type t = u.type();
        expr(code, u.operand());
        switch (u.op()) {
            case NOT -> {
                if (t == Type.U64) {
                    code.loadConstant(-1L);
                    code.lxor();
                } else {
                    code.loadConstant(t == Type.BOOL ? 1 : -1);
                    code.ixor();
                }
            }
            case NEG -> {
                if (t == Type.U64) {
                    code.lneg();
                } else {
                    code.ineg();
                }
            }
        }
    }

    private void binary(CodeBuilder code, Expr.Binary b) {
        Type t = b.type();
        expr(code, b.left());
        expr(code, b.right());
        if (b.op().isShift()) {
            // The JVM masks a shift count by 31 (int) or 63 (long), as the IR does; l2i keeps the low bits.
            if (b.right().type() == Type.U64) {
                code.l2i();
            }
            boolean wide = t == Type.U64;
            switch (b.op()) {
                case SHL -> {
                    if (wide) {
                        code.lshl();
                    } else {
                        code.ishl();
                    }
                }
                default -> {
                    if (wide) {
                        code.lushr();
                    } else if (t == Type.I32) {
                        code.ishr();
                    } else {
                        code.iushr();
                    }
                }
            }
            return;
        }
        if (t == Type.U64) {
            switch (b.op()) {
                case ADD -> code.ladd();
                case SUB -> code.lsub();
                case MUL -> code.lmul();
                case DIV -> code.invokestatic(CD_OPS, "divU64", MT_JJ_J);
                case REM -> code.invokestatic(CD_OPS, "remU64", MT_JJ_J);
                case AND -> code.land();
                case OR -> code.lor();
                case XOR -> code.lxor();
                case MIN -> code.invokestatic(CD_OPS, "minU64", MT_JJ_J);
                case MAX -> code.invokestatic(CD_OPS, "maxU64", MT_JJ_J);
                default -> throw new IllegalStateException(b.label());
            }
            return;
        }
        boolean signed = t == Type.I32;
        switch (b.op()) {
            case ADD -> code.iadd();
            case SUB -> code.isub();
            case MUL -> code.imul();
            case DIV -> code.invokestatic(CD_OPS, signed ? "divI32" : "divU32", MT_II_I);
            case REM -> code.invokestatic(CD_OPS, signed ? "remI32" : "remU32", MT_II_I);
            case AND -> code.iand();
            case OR -> code.ior();
            case XOR -> code.ixor();
            case MIN -> code.invokestatic(signed ? ClassDesc.of("java.lang.Math") : CD_OPS, signed ? "min" : "minU32", MT_II_I);
            case MAX -> code.invokestatic(signed ? ClassDesc.of("java.lang.Math") : CD_OPS, signed ? "max" : "maxU32", MT_II_I);
            default -> throw new IllegalStateException(b.label());
        }
    }

    /** Pushes 1 or 0. Unsigned operands are compared signed after flipping their sign bits. */
    private void compare(CodeBuilder code, Expr.Compare c) {
        Type t = c.left().type();
        boolean wide = t == Type.U64;
        operand(code, c.left());
        operand(code, c.right());
        if (wide) {
            code.lcmp();
        }
        Label yes = code.newLabel();
        Label end = code.newLabel();
        Opcode branch = switch (c.op()) {
            case EQ -> wide ? Opcode.IFEQ : Opcode.IF_ICMPEQ;
            case NE -> wide ? Opcode.IFNE : Opcode.IF_ICMPNE;
            case LT -> wide ? Opcode.IFLT : Opcode.IF_ICMPLT;
            case LE -> wide ? Opcode.IFLE : Opcode.IF_ICMPLE;
            case GT -> wide ? Opcode.IFGT : Opcode.IF_ICMPGT;
            case GE -> wide ? Opcode.IFGE : Opcode.IF_ICMPGE;
        };
        code.branch(branch, yes);
        code.iconst_0();
        code.goto_(end);
        code.labelBinding(yes);
        code.iconst_1();
        code.labelBinding(end);
    }

    private void operand(CodeBuilder code, Expr e) {
        expr(code, e);
        switch (e.type()) {
            case U32 -> {
                code.loadConstant(Integer.MIN_VALUE);
                code.ixor();
            }
            case U64 -> {
                code.loadConstant(Long.MIN_VALUE);
                code.lxor();
            }
            case BOOL, I32 -> { }
        }
    }

    private void convert(CodeBuilder code, Expr value, Type to) {
        expr(code, value);
        Type from = value.type();
        if (from == to) {
            return;
        }
        if (to == Type.U64) {
            if (from == Type.U32) {
                zeroExtend(code);
            } else {
                code.i2l();
            }
        } else if (from == Type.U64) {
            code.l2i();
        }
    }
}

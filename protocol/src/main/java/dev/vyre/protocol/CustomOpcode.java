package dev.vyre.protocol;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A user-defined opcode with one body per dialect. A dialect is a name a backend declares in its
 * capabilities (for example {@code java} for an {@link OpcodeHandler}, {@code cuda-c} and {@code glsl}
 * for source text over the variables {@code docs/PROTOCOL.md} lists); a backend runs the body in a
 * dialect it declares, and the runtime refuses, before the backend sees it, an opcode with no such
 * body. New dialects need no change here.
 *
 * <p>A body may be <em>lazy</em> ({@link Builder#lazyJava}, {@link Builder#lazyText}): it is made the
 * first time it is read ({@link #body}, {@link #text}, {@link #handler}, or a value of {@link #bodies()}),
 * once, and kept; {@link #dialects()} never makes one. A backend reads only the body of its own dialect,
 * so a generated opcode (an IR opcode lowered to every dialect) costs only the lowering that is used.
 *
 * @param opcode opcode value in the user range (not {@link Opcodes#isSystem system})
 * @param bodies body by dialect name: an {@link OpcodeHandler} for {@value #JAVA}, source text
 *               ({@link String}) for text dialects
 */
public record CustomOpcode(int opcode, Map<String, Object> bodies) {

    /** The dialect of Java bodies: an {@link OpcodeHandler}. */
    public static final String JAVA = "java";

    /**
     * How a source-text body declares the most loop iterations one run of it makes, counted over all its
     * loops: a line, among its first {@value #LOOP_MARK_LINES}, that is this prefix followed by the decimal
     * count. IR lowerings write it; a runtime whose device stops loops early refuses a body that declares
     * more than the device runs ({@link #declaredLoopIterations}).
     */
    public static final String LOOP_ITERATIONS_MARK = "// vyre-loop-iterations: ";
    /** Lines of a body searched for {@link #LOOP_ITERATIONS_MARK} and {@link #SHORT_MARK}. */
    public static final int LOOP_MARK_LINES = 4;

    /**
     * How a source-text body declares that one run of it is short: no loops, no data-buffer reads and at most
     * {@value #SHORT_STATEMENTS} statements, so it costs about what a built-in opcode costs. A line, among its first
     * {@value #LOOP_MARK_LINES}, that is exactly this text. IR lowerings write it when it holds; a backend may then
     * run such a slot on the thread that polls for work instead of handing it to another (the CUDA leader warp runs
     * a lone one itself, as it does a lone built-in opcode), so a body that declares it and runs long delays the
     * slots published after it.
     */
    public static final String SHORT_MARK = "// vyre-short";
    /** The most statements of a body that declares {@link #SHORT_MARK}. */
    public static final int SHORT_STATEMENTS = 64;

    public CustomOpcode {
        if (Opcodes.isSystem(opcode)) {
            throw new VyreArgumentException("opcode", "0x" + Integer.toHexString(opcode)
                    + " overlaps with the reserved system range or uses the high bit",
                    "pick an opcode in 0x8..0xFFEF or 0x10000..0x7FFFFFFF");
        }
        Objects.requireNonNull(bodies, "bodies");
        if (bodies.isEmpty()) {
            throw new VyreArgumentException("bodies", "custom opcode 0x" + Integer.toHexString(opcode)
                    + " has no body", "give it a body in at least one dialect (java, cuda-c, glsl, ...)");
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : bodies.entrySet()) {
            String dialect = e.getKey();
            if (dialect == null || dialect.isBlank() || !dialect.equals(dialect.toLowerCase(Locale.ROOT))) {
                throw new VyreArgumentException("bodies", "dialect name '" + dialect + "' is not a lower-case name",
                        "key each body by a lower-case dialect name such as java, cuda-c or glsl");
            }
            Object body = e.getValue();
            if (body == null) {
                throw new VyreArgumentException("bodies", "the " + dialect + " body is null", "pass a body or leave the dialect out");
            }
            if (body instanceof Lazy lazy) {
                copy.put(dialect, lazy);
                continue;
            }
            if (JAVA.equals(dialect) && !(body instanceof OpcodeHandler)) {
                throw new VyreArgumentException("bodies", "the java body is a " + body.getClass().getName()
                        + ", not an OpcodeHandler", "pass an OpcodeHandler as the java body");
            }
            if (!JAVA.equals(dialect) && !(body instanceof String)) {
                throw new VyreArgumentException("bodies", "the " + dialect + " body is a " + body.getClass().getName()
                        + ", not source text", "pass the " + dialect + " body as a String");
            }
            copy.put(dialect, body);
        }
        bodies = new ResolvingMap(copy);
    }

    /** @return an opcode with only a Java body */
    public static CustomOpcode java(int opcode, OpcodeHandler handler) {
        return new CustomOpcode(opcode, Map.of(JAVA, Objects.requireNonNull(handler, "handler")));
    }

    /** @return a builder of an opcode's bodies */
    public static Builder of(int opcode) {
        return new Builder(opcode);
    }

    /** @return the opcode and its dialects (a body's text is not shown, and a lazy body is not made) */
    @Override
    public String toString() {
        return "CustomOpcode[opcode=0x" + Integer.toHexString(opcode) + ", dialects=" + bodies.keySet() + "]";
    }

    /** @return the dialects this opcode has bodies in */
    public Set<String> dialects() {
        return bodies.keySet();
    }

    /** @return the body in {@code dialect} (a lazy body is made now, once), or null */
    public Object body(String dialect) {
        return bodies.get(dialect);
    }

    /** @return the source text in {@code dialect} (a lazy body is made now, once), or null when there is none */
    public String text(String dialect) {
        return bodies.get(dialect) instanceof String s ? s : null;
    }

    /**
     * @param text a source-text body
     * @return the loop iterations {@code text} declares with {@link #LOOP_ITERATIONS_MARK}, or -1 when it
     *         declares none (or an unreadable count)
     */
    public static long declaredLoopIterations(String text) {
        String count = markedLine(text, LOOP_ITERATIONS_MARK);
        if (count == null) {
            return -1;
        }
        try {
            long n = Long.parseLong(count, 10);
            return n >= 0 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * @param text a source-text body
     * @return whether {@code text} declares itself short with {@link #SHORT_MARK}
     */
    public static boolean declaresShort(String text) {
        String rest = markedLine(text, SHORT_MARK);
        return rest != null && rest.isEmpty();
    }

    /**
     * @return the rest of the first line, among {@code text}'s first {@value #LOOP_MARK_LINES}, that starts with
     *         {@code mark}; null when none does
     */
    private static String markedLine(String text, String mark) {
        int from = 0;
        for (int line = 0; line < LOOP_MARK_LINES && from < text.length(); line++) {
            int end = text.indexOf('\n', from);
            if (end < 0) {
                end = text.length();
            }
            if (text.startsWith(mark, from)) {
                return text.substring(from + mark.length(), end);
            }
            from = end + 1;
        }
        return null;
    }

    /** @return the Java body, or null */
    public OpcodeHandler handler() {
        return bodies.get(JAVA) instanceof OpcodeHandler h ? h : null;
    }

    /** Collects the bodies of one opcode, dialect by dialect. */
    public static final class Builder {
        private final int opcode;
        private final Map<String, Object> bodies = new LinkedHashMap<>();

        private Builder(int opcode) {
            this.opcode = opcode;
        }

        /** Adds the Java body. */
        public Builder java(OpcodeHandler handler) {
            bodies.put(JAVA, Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /** Adds a source-text body in {@code dialect}. */
        public Builder text(String dialect, String source) {
            bodies.put(dialect, Objects.requireNonNull(source, "source"));
            return this;
        }

        /**
         * Adds a Java body made by {@code handler} the first time it is read (once; see the class comment).
         * A failure of {@code handler} propagates to the reader.
         */
        public Builder lazyJava(Supplier<? extends OpcodeHandler> handler) {
            bodies.put(JAVA, new Lazy(JAVA, OpcodeHandler.class, Objects.requireNonNull(handler, "handler")));
            return this;
        }

        /**
         * Adds a source-text body in {@code dialect} made by {@code source} the first time it is read (once;
         * see the class comment). A failure of {@code source} propagates to the reader.
         */
        public Builder lazyText(String dialect, Supplier<String> source) {
            if (JAVA.equals(dialect)) {
                throw new VyreArgumentException("dialect", "the java body is an OpcodeHandler, not source text",
                        "pass it with lazyJava");
            }
            bodies.put(dialect, new Lazy(dialect, String.class, Objects.requireNonNull(source, "source")));
            return this;
        }

        /** @return the opcode */
        public CustomOpcode build() {
            return new CustomOpcode(opcode, bodies);
        }
    }

    /** A body made on first read, once; the first value made wins. */
    private static final class Lazy {
        private final String dialect;
        private final Class<?> kind;
        private final Supplier<?> supplier;
        private volatile Object value;

        Lazy(String dialect, Class<?> kind, Supplier<?> supplier) {
            this.dialect = dialect;
            this.kind = kind;
            this.supplier = supplier;
        }

        Object get() {
            Object v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        v = supplier.get();
                        if (!kind.isInstance(v)) {
                            throw new VyreArgumentException("bodies", "the lazy " + dialect + " body gave "
                                    + (v == null ? "null" : "a " + v.getClass().getName()) + ", not a "
                                    + kind.getSimpleName(), "make the supplier return a " + kind.getSimpleName());
                        }
                        value = v;
                    }
                }
            }
            return v;
        }
    }

    /** The unmodifiable bodies by dialect; a lazy body is made when its value is read. */
    private static final class ResolvingMap extends AbstractMap<String, Object> {
        private final Map<String, Object> raw;
        private final Set<Map.Entry<String, Object>> entries = new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, Object>> iterator() {
                Iterator<Map.Entry<String, Object>> it = raw.entrySet().iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Map.Entry<String, Object> next() {
                        Map.Entry<String, Object> e = it.next();
                        return new AbstractMap.SimpleImmutableEntry<>(e.getKey(), resolve(e.getValue()));
                    }
                };
            }

            @Override
            public int size() {
                return raw.size();
            }
        };

        ResolvingMap(Map<String, Object> raw) {
            this.raw = raw;
        }

        private static Object resolve(Object body) {
            return body instanceof Lazy lazy ? lazy.get() : body;
        }

        @Override
        public Object get(Object dialect) {
            return resolve(raw.get(dialect));
        }

        @Override
        public boolean containsKey(Object dialect) {
            return raw.containsKey(dialect);
        }

        @Override
        public Set<String> keySet() {
            return Collections.unmodifiableSet(raw.keySet());
        }

        @Override
        public int size() {
            return raw.size();
        }

        @Override
        public Set<Map.Entry<String, Object>> entrySet() {
            return entries;
        }
    }
}

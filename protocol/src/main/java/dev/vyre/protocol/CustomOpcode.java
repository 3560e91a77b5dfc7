package dev.vyre.protocol;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A user-defined opcode with one body per dialect. A dialect is a name a backend declares in its
 * capabilities (for example {@code java} for an {@link OpcodeHandler}, {@code cuda-c} and {@code glsl}
 * for source text over the variables {@code docs/PROTOCOL.md} lists); a backend runs the body in a
 * dialect it declares, and the runtime refuses, before the backend sees it, an opcode with no such
 * body. New dialects need no change here.
 *
 * @param opcode opcode value in the user range (not {@link Opcodes#isSystem system})
 * @param bodies body by dialect name: an {@link OpcodeHandler} for {@value #JAVA}, source text
 *               ({@link String}) for text dialects
 */
public record CustomOpcode(int opcode, Map<String, Object> bodies) {

    /** The dialect of Java bodies: an {@link OpcodeHandler}. */
    public static final String JAVA = "java";

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
        bodies = java.util.Collections.unmodifiableMap(copy);
    }

    /** @return an opcode with only a Java body */
    public static CustomOpcode java(int opcode, OpcodeHandler handler) {
        return new CustomOpcode(opcode, Map.of(JAVA, Objects.requireNonNull(handler, "handler")));
    }

    /** @return a builder of an opcode's bodies */
    public static Builder of(int opcode) {
        return new Builder(opcode);
    }

    /** @return the dialects this opcode has bodies in */
    public Set<String> dialects() {
        return bodies.keySet();
    }

    /** @return the body in {@code dialect}, or null */
    public Object body(String dialect) {
        return bodies.get(dialect);
    }

    /** @return the source text in {@code dialect}, or null when there is none */
    public String text(String dialect) {
        return bodies.get(dialect) instanceof String s ? s : null;
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

        /** @return the opcode */
        public CustomOpcode build() {
            return new CustomOpcode(opcode, bodies);
        }
    }
}

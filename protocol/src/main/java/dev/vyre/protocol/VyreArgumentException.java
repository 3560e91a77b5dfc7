package dev.vyre.protocol;

import java.util.Objects;

/**
 * An argument of a vyre-java method is out of its range. The message names the parameter and ends
 * with {@code Fix: <what to do>}.
 */
public final class VyreArgumentException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String parameter;
    private final String fix;

    /**
     * @param parameter the parameter's name, as in the method's signature
     * @param problem   what is wrong with its value, without a trailing period
     * @param fix       what the caller should pass instead
     */
    public VyreArgumentException(String parameter, String problem, String fix) {
        super(Objects.requireNonNull(parameter, "parameter") + ": " + problem + ". Fix: " + fix);
        this.parameter = parameter;
        this.fix = fix;
    }

    /** @return the name of the parameter that was refused */
    public String parameter() {
        return parameter;
    }

    /** @return the remedy part of the message (the text after {@code Fix: }) */
    public String fix() {
        return fix;
    }
}

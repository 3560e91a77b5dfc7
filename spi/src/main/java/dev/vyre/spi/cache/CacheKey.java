package dev.vyre.spi.cache;

import dev.vyre.protocol.VyreArgumentException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * What a compiled artifact was made from and for. Two keys are equal only when all four parts are
 * equal, so an artifact is served only to the backend, device and compiler that made it: a PTX file
 * is never handed to the Vulkan backend, a SPIR-V blob never to another driver version.
 *
 * @param fingerprint SHA-256 of everything the compiler read, as 64 lower-case hex digits (see
 *                    {@link #sha256(String...)}): the source or IR encoding and every option that
 *                    changes the output (defines, target architecture, optimisation level)
 * @param backend     the backend's provider name ({@code cuda}, {@code vulkan}, ...): a lower-case name
 *                    of letters, digits, {@code .}, {@code _} and {@code -}, at most 64 characters
 * @param device      what the artifact runs on, as precisely as the artifact depends on it (for example
 *                    {@code sm_90}, or a Vulkan device's vendor, device and pipeline-cache UUID)
 * @param compiler    the compiler or driver that made it, with its version (for example
 *                    {@code nvrtc 12.8}); change it whenever the compiler's output may change
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3")
public record CacheKey(String fingerprint, String backend, String device, String compiler) {

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern BACKEND = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /** Longest {@code device} or {@code compiler} text, in characters. */
    public static final int MAX_TEXT = 1024;

    /**
     * @throws VyreArgumentException when a part is malformed (the message names it and ends with a fix)
     */
    public CacheKey {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(compiler, "compiler");
        if (!HEX64.matcher(fingerprint).matches()) {
            throw new VyreArgumentException("fingerprint", "'" + shorten(fingerprint)
                    + "' is not a SHA-256 as 64 lower-case hex digits", "pass CacheKey.sha256(...) of the compiler's input");
        }
        if (!BACKEND.matcher(backend).matches()) {
            throw new VyreArgumentException("backend", "'" + shorten(backend) + "' is not a lower-case backend name",
                    "pass the provider's name, e.g. cuda or vulkan (letters, digits, '.', '_', '-'; at most 64)");
        }
        checkText("device", device);
        checkText("compiler", compiler);
    }

    private static void checkText(String name, String text) {
        if (text.isBlank() || text.length() > MAX_TEXT) {
            throw new VyreArgumentException(name, "is " + (text.isBlank() ? "blank" : text.length() + " characters long"),
                    "describe the " + name + " in 1.." + MAX_TEXT + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                throw new VyreArgumentException(name, "contains the control character U+"
                        + String.format("%04X", (int) text.charAt(i)), "describe the " + name + " in printable text");
            }
        }
    }

    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    /**
     * SHA-256 of {@code parts} as UTF-8, each preceded by its length (so {@code ("ab", "c")} and
     * {@code ("a", "bc")} differ).
     *
     * @return 64 lower-case hex digits
     */
    public static String sha256(String... parts) {
        byte[][] bytes = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            bytes[i] = Objects.requireNonNull(parts[i], "part").getBytes(StandardCharsets.UTF_8);
        }
        return sha256(bytes);
    }

    /**
     * SHA-256 of {@code parts}, each preceded by its length as 4 little-endian bytes.
     *
     * @return 64 lower-case hex digits
     */
    public static String sha256(byte[]... parts) {
        MessageDigest md = digest();
        for (byte[] part : parts) {
            int n = Objects.requireNonNull(part, "part").length;
            md.update(new byte[] {(byte) n, (byte) (n >>> 8), (byte) (n >>> 16), (byte) (n >>> 24)});
            md.update(part);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** @return the key's identity: SHA-256 over all four parts, 64 lower-case hex digits (a disk file's name) */
    public String id() {
        return sha256(fingerprint, backend, device, compiler);
    }

    /** @return the four parts as length-prefixed UTF-8, as a disk file records them */
    byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String part : new String[] {fingerprint, backend, device, compiler}) {
            byte[] b = part.getBytes(StandardCharsets.UTF_8);
            out.write(b.length & 0xFF);
            out.write(b.length >>> 8 & 0xFF);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}

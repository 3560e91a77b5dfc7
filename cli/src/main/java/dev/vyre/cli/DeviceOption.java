package dev.vyre.cli;

import dev.vyre.api.BackendDevice;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.VyreException;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --device N}, shared by every command that opens a backend ({@code demo}, {@code bench},
 * {@code conform}, {@code ingest}, {@code scan}, {@code replay}): the index of the backend's device, as
 * {@code vyre backends} lists it, passed to {@link Vyre#open(String, int)}. Without it a backend opens on its
 * default device ({@link Vyre#open(String)}).
 *
 * <p>Both refusals are usage errors (exit 2) raised before any work: a negative index while the command line
 * is parsed, an index the backend does not have ({@link #check}) before the backend is opened; the second names
 * the backend's devices.
 */
final class DeviceOption {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    private Integer index;

    /** The parsed value, refused at parse time when negative. */
    @Option(names = "--device", paramLabel = "N",
            description = "device of the backend, by the index `vyre backends` lists (default: the backend's own"
                    + " choice, its first device)")
    void index(int value) {
        if (value < 0) {
            throw UsageErrorHandler.error(spec, "--device " + value + " is negative", "pass a device index that"
                    + " `vyre backends` lists for the backend (0 is each backend's first device)");
        }
        index = value;
    }

    /** @return the index given with {@code --device}, or null when none was */
    Integer index() {
        return index;
    }

    /**
     * Refuses {@code --device} when backend {@code name} has no device of that index; does nothing without
     * {@code --device}. Lists the devices without opening the backend.
     */
    void check(String name) {
        if (index == null) {
            return;
        }
        List<BackendDevice> devices;
        try {
            devices = Vyre.devices(name);
        } catch (VyreException cannotRun) {
            return; // the backend cannot run here: opening it reports why, with its fix
        }
        check(spec, name, index, devices);
    }

    /**
     * Opens backend {@code name} on the {@code --device} index after {@link #check}, or on its default device.
     */
    Vyre open(String name) {
        return opener(Vyre::devices).apply(name);
    }

    /**
     * @param devices lists a backend's devices by name
     * @return opens a backend by name on the {@code --device} index, checked against {@code devices} first; the
     *         plain {@link Vyre#open(String)} without {@code --device}
     */
    Function<String, Vyre> opener(Function<String, List<BackendDevice>> devices) {
        if (index == null) {
            return Vyre::open;
        }
        int device = index;
        return name -> {
            check(spec, name, device, devices.apply(name));
            return Vyre.open(name, device);
        };
    }

    /** Refuses {@code index} when it is not the index of one of {@code devices} (those of backend {@code name}). */
    static void check(CommandSpec spec, String name, int index, List<BackendDevice> devices) {
        for (BackendDevice d : devices) {
            if (d.index() == index) {
                return;
            }
        }
        StringBuilder listed = new StringBuilder();
        for (BackendDevice d : devices) {
            listed.append(listed.isEmpty() ? "" : ", ").append(d.index()).append(" (")
                    .append(d.available() ? d.device() : "unavailable").append(')');
        }
        throw UsageErrorHandler.error(spec, "--device " + index + ": backend '" + name + "' has no device " + index
                + " (it has " + devices.size() + (devices.size() == 1 ? " device" : " devices")
                + (devices.isEmpty() ? "" : ": " + listed) + ")", devices.isEmpty()
                ? "run `vyre backends` to see which devices each backend has"
                : "pass one of the indices `vyre backends` lists for " + name + ": "
                        + String.join(", ", devices.stream().map(d -> String.valueOf(d.index())).toList()));
    }
}

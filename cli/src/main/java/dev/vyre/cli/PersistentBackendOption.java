package dev.vyre.cli;

import dev.vyre.api.Vyre;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --backend NAME} of the commands that stream through a persistent session ({@code demo}, {@code bench},
 * {@code ingest}, {@code scan}); with {@link DeviceOption} it opens the backend {@link BackendChoice} picks.
 */
final class PersistentBackendOption {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "backend to use (default: the best available that runs persistent sessions)")
    private String name;

    /** @return the {@code --backend} value, or null when none was given */
    String name() {
        return name;
    }

    /**
     * Opens the backend ({@link BackendChoice#openPersistent(CommandSpec, String, DeviceOption, CliEnvironment)}):
     * {@code --backend}, else the forced one, else the best that runs persistent sessions; on {@code device}.
     */
    Vyre open(DeviceOption device, CliEnvironment env) {
        return BackendChoice.openPersistent(spec, name, device, env);
    }
}

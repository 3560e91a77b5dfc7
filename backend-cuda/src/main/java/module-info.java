/** CUDA backend (JCuda driver API). Arrives with its own issue; today only the build wiring exists. */
module dev.vyre.backend.cuda {
    requires dev.vyre.api;
}

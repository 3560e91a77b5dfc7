/** io_uring streaming into the megakernel. Arrives with its own issue; today only the build wiring exists. */
module dev.vyre.uring {
    requires dev.vyre.api;
}

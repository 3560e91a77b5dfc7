package dev.vyre.cli;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.UnknownHostException;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Checks {@code --host} and {@code --listen} of {@code vyre ingest} before any work: the host resolves
 * to an address of this machine (a usage error otherwise), and the port can be bound now (a failure
 * with the reason otherwise: in use, or privileged). The server binds for real later; a port taken in
 * between is reported by the server in one line as well.
 */
final class ListenAddress {

    static final String LOCAL_FIX = "pass 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or an address"
            + " that `ip -brief address` lists";

    private ListenAddress() {
    }

    /**
     * @return the host's address
     * @throws picocli.CommandLine.ParameterException when it does not resolve or is not local
     * @throws CliFailure when the port cannot be bound
     */
    static InetAddress check(CommandSpec spec, String host, int port) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException | SecurityException e) {
            throw UsageErrorHandler.error(spec, "--host " + host + " does not resolve", LOCAL_FIX);
        }
        if (!isLocal(address)) {
            throw UsageErrorHandler.error(spec, "--host " + host + " (" + address.getHostAddress()
                    + ") is not an address of this machine", LOCAL_FIX);
        }
        if (port != 0) {
            probe(address, host, port);
        }
        return address;
    }

    private static boolean isLocal(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    private static void probe(InetAddress address, String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as the server binds: a port held only by TIME_WAIT is free
            probe.bind(new InetSocketAddress(address, port), 1);
        } catch (BindException e) {
            String reason = String.valueOf(e.getMessage());
            if (reason.toLowerCase(java.util.Locale.ROOT).contains("permission")) {
                throw new CliFailure("cannot listen on " + host + ":" + port + ": ports below 1024 need privileges",
                        "pick a port of 1024 or more (--listen 9000), or grant the program CAP_NET_BIND_SERVICE");
            }
            throw new CliFailure("cannot listen on " + host + ":" + port + ": the port is in use",
                    "pick another port (--listen 0 picks a free one), or stop the program that holds it"
                            + " (ss -ltnp 'sport = :" + port + "')");
        } catch (IOException e) {
            throw new CliFailure("cannot listen on " + host + ":" + port + ": " + e.getMessage(),
                    "pick another port (--listen 0 picks a free one) and a local address");
        }
    }
}

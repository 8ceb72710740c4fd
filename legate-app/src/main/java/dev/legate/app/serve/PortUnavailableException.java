package dev.legate.app.serve;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;

/**
 * A port that serve needs is taken (or not ours to bind): the message names the address and the option that sets
 * it, so the user can tell which of serve's listeners collided, with what.
 */
public final class PortUnavailableException extends IOException {

    private static final long serialVersionUID = 1L;

    PortUnavailableException(String what, String option, InetSocketAddress address, IOException cause) {
        super("cannot listen on " + address.getHostString() + ":" + address.getPort() + " for the " + what + " ("
                + option + "): " + rootMessage(cause), cause);
    }

    /** Starts a listener, turning a failure to bind into this exception; other failures pass unchanged. */
    static <T> T listen(String what, String option, InetSocketAddress address, Listen<T> start) throws IOException {
        try {
            return start.start();
        } catch (IOException e) {
            if (e instanceof BindException || e.getCause() instanceof BindException) {
                throw new PortUnavailableException(what, option, address, e);
            }
            throw e;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    /** Starts something that binds a port. */
    @FunctionalInterface
    interface Listen<T> {
        T start() throws IOException;
    }
}

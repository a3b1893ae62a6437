package io.jstack.tun;

/** The TUN link could not be opened or configured. The message is one line that names the cause. */
public final class TunException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TunException(String message) {
        super(message);
    }

    public TunException(String message, Throwable cause) {
        super(message, cause);
    }
}

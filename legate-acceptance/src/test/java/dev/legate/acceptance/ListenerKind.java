package dev.legate.acceptance;

/**
 * The Listeners every configuration has: plain HTTP, one per {@code securityModel}, all binding the Hosts of every
 * namespace. Emissary's rule: XFP trusts X-Forwarded-Proto, SECURE treats every request as secure, INSECURE none.
 */
public enum ListenerKind {
    XFP("acc-xfp"),
    SECURE("acc-secure"),
    INSECURE("acc-insecure");

    private final String resourceName;

    ListenerKind(String resourceName) {
        this.resourceName = resourceName;
    }

    /** The Listener resource's name (and Envoy listener's name). */
    public String resourceName() {
        return resourceName;
    }

    /** Whether Emissary treats a request on this listener as secure, given its X-Forwarded-Proto (or null). */
    boolean secure(String forwardedProto) {
        return switch (this) {
            case SECURE -> true;
            case INSECURE -> false;
            case XFP -> "https".equals(forwardedProto);
        };
    }
}

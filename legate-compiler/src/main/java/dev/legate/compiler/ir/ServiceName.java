package dev.legate.compiler.ir;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A Mapping's {@code service}, parsed and normalized as Emissary does: {@code [scheme://]host[:port]}, with a bare
 * Kubernetes service name qualified by the Mapping's namespace when that differs from Ambassador's.
 *
 * @param normalized the service string Emissary uses in cluster names and redirects
 * @param scheme http, https or null
 * @param port the explicit port, or -1
 */
public record ServiceName(String normalized, @Nullable String scheme, String hostname, int port) {

    /** Why a service string could not be used. */
    public static final class MalformedServiceException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedServiceException(String message) {
            super(message);
        }
    }

    public static ServiceName parse(String service, String mappingNamespace, String ambassadorNamespace,
            boolean qualifyWithNamespace) throws MalformedServiceException {
        String trimmed = service.strip();
        if (trimmed.isEmpty()) {
            throw new MalformedServiceException("service is empty");
        }
        String scheme = null;
        String rest = trimmed;
        int sep = trimmed.indexOf("://");
        if (sep > 0 && trimmed.substring(0, sep).chars().allMatch(ServiceName::isSchemeChar)) {
            scheme = trimmed.substring(0, sep).toLowerCase(Locale.ROOT);
            rest = trimmed.substring(sep + 3);
        } else if (trimmed.startsWith("//")) {
            rest = trimmed.substring(2);
        }
        // Everything after the authority (a path, a query) is ignored, as Emissary ignores it.
        int end = indexOfAny(rest, "/?#");
        String authority = end < 0 ? rest : rest.substring(0, end);
        if (authority.contains("@")) {
            authority = authority.substring(authority.lastIndexOf('@') + 1);
        }
        String host;
        int port = -1;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new MalformedServiceException("unterminated IPv6 address in '" + service + "'");
            }
            host = authority.substring(1, close);
            String tail = authority.substring(close + 1);
            if (!tail.isEmpty()) {
                if (!tail.startsWith(":")) {
                    throw new MalformedServiceException("unexpected text after IPv6 address in '" + service + "'");
                }
                port = parsePort(tail.substring(1), service);
            }
        } else {
            int colon = authority.lastIndexOf(':');
            if (colon >= 0) {
                host = authority.substring(0, colon);
                port = parsePort(authority.substring(colon + 1), service);
            } else {
                host = authority;
            }
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.isEmpty()) {
            throw new MalformedServiceException("no hostname in '" + service + "'");
        }
        if (host.length() > 253) {
            throw new MalformedServiceException("hostname of " + host.length() + " characters is longer than DNS "
                    + "allows (253)");
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_' || c == ':') || c > 127) {
                throw new MalformedServiceException("'" + host + "' is not a valid hostname");
            }
        }
        boolean qualified = host.contains(".") || host.contains(":") || host.equals("localhost");
        if (qualifyWithNamespace && !mappingNamespace.equals(ambassadorNamespace) && !qualified) {
            host = host + "." + mappingNamespace;
        }
        StringBuilder out = new StringBuilder();
        if (scheme != null) {
            out.append(scheme).append("://");
        }
        out.append(host.contains(":") ? "[" + host + "]" : host);
        if (port >= 0) {
            out.append(':').append(port);
        }
        return new ServiceName(out.toString(), scheme, host, port);
    }

    private static int parsePort(String text, String service) throws MalformedServiceException {
        if (text.isEmpty()) {
            return -1;
        }
        try {
            int port = Integer.parseInt(text);
            if (port < 0 || port > 65535) {
                throw new MalformedServiceException("port " + port + " of '" + service + "' is out of range");
            }
            return port;
        } catch (NumberFormatException e) {
            throw new MalformedServiceException("port '" + text + "' of '" + service + "' is not a number");
        }
    }

    private static boolean isSchemeChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-'
                || c == '.';
    }

    private static int indexOfAny(String text, String chars) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}

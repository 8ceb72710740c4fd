package dev.legate.compiler.ir;

/**
 * Emissary's {@code hostglob_matches}: whether two DNS globs ({@code *.example.com}, {@code example.*}, {@code *})
 * could both match some hostname.
 */
public final class HostGlobs {

    private HostGlobs() {
    }

    public static boolean overlap(String g1, String g2) {
        if (g1.equals(g2)) {
            return true;
        }
        if (g1.equals("*") || g2.equals("*")) {
            return true;
        }
        if (g1.isEmpty() || g2.isEmpty() || g1.charAt(0) == '.' || g2.charAt(0) == '.') {
            return false;
        }
        boolean g1start = g1.charAt(0) == '*';
        boolean g1end = g1.charAt(g1.length() - 1) == '*';
        boolean g2start = g2.charAt(0) == '*';
        boolean g2end = g2.charAt(g2.length() - 1) == '*';
        if ((g1start && g1end) || (g2start && g2end)) {
            // A '*' at both ends is not a valid glob; Envoy treats the trailing one literally.
            return false;
        }
        if (!(g1start || g1end || g2start || g2end)) {
            return false;
        }
        if ((g1start && g2end) || (g2start && g1end)) {
            return true;
        }
        if (g1start) {
            return matchesStart(g1, g2, g2start);
        }
        if (g2start) {
            return matchesStart(g2, g1, g1start);
        }
        if (g1end) {
            return matchesEnd(g1, g2, g2end);
        }
        return matchesEnd(g2, g1, g1end);
    }

    private static boolean matchesStart(String g1, String g2, boolean g2start) {
        String g1match = g1.substring(1);
        String g2match = g2start ? g2.substring(1) : g2;
        if (g1.length() > g2match.length()) {
            if (!g2start) {
                return false;
            }
            g1match = g2.substring(1);
            g2match = g1.substring(1);
        }
        return g2match.endsWith(g1match);
    }

    private static boolean matchesEnd(String g1, String g2, boolean g2end) {
        String g1match = g1.substring(0, g1.length() - 1);
        String g2match = g2end ? g2.substring(0, g2.length() - 1) : g2;
        if (g1.length() > g2match.length()) {
            if (!g2end) {
                return false;
            }
            g1match = g2.substring(0, g2.length() - 1);
            g2match = g1.substring(0, g1.length() - 1);
        }
        return g2match.startsWith(g1match);
    }
}

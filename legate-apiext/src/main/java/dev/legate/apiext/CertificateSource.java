package dev.legate.apiext;

import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Where the webhook's certificates come from, and who hears when they change. */
interface CertificateSource extends AutoCloseable {

    /**
     * Starts providing certificates. {@code listener} is called with the first bundle once there is one (maybe
     * before this returns) and again whenever it changes; calls come one at a time.
     */
    void start(Consumer<CertificateBundle> listener);

    /** The bundle in use, or null before the first one. */
    @Nullable CertificateBundle current();

    /** Stops background work; never throws. */
    @Override
    void close();

    /** True when both hold the same certificates (keys follow from them). */
    static boolean sameCertificates(@Nullable CertificateBundle a, @Nullable CertificateBundle b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.serving().equals(b.serving()) && a.trusted().equals(b.trusted());
    }
}

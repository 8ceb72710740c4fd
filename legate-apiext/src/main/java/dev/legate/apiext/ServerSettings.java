package dev.legate.apiext;

import java.net.InetAddress;
import java.util.Objects;

/**
 * How the webhook's two servers listen.
 *
 * @param bind the address both servers bind (0.0.0.0 in a pod)
 * @param httpsPort the ConversionReview port (0 picks a free one)
 * @param probePort the plain-HTTP liveness/readiness port (0 picks a free one)
 * @param threads worker threads answering ConversionReviews
 * @param maxRequestBytes larger request bodies are refused with 413
 * @param marking what happens to {@code ambassador_id} on the way down to v2/v1
 * @param warmupRounds round trips of built-in objects converted before the webhook says it is ready (0: none)
 */
record ServerSettings(InetAddress bind, int httpsPort, int probePort, int threads, long maxRequestBytes,
        ObjectConverter.AmbassadorIdMarking marking, int warmupRounds) {

    ServerSettings {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(marking, "marking");
        if (httpsPort < 0 || httpsPort > 65535 || probePort < 0 || probePort > 65535) {
            throw new IllegalArgumentException("ports must be within 0-65535");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        if (warmupRounds < 0) {
            throw new IllegalArgumentException("warmupRounds must not be negative");
        }
        if (maxRequestBytes < 1024) {
            throw new IllegalArgumentException("maxRequestBytes must be at least 1024");
        }
    }
}

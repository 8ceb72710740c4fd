package dev.legate.compiler.ir;

import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The gateway-wide HTTP features beyond routing: external auth, rate limiting, tracing, access log services, the
 * Module's HTTP filters, the file access log's format and {@code set_current_client_cert_details} (the parts of the
 * client certificate forwarded in {@code x-forwarded-client-cert}: subject, cert, chain, dns, uri). Their clusters
 * are in {@link Ir#clusters()} like every other. {@code authFailure} names the AuthService that could not be
 * used when no other could: Envoy then answers every request but the probes with a 500 (fail closed, as Emissary).
 * {@code runtimeFlags} are Module {@code runtime_flags} for the bootstrap's runtime, sorted by key.
 */
public record IrServices(@Nullable IrAuth auth, @Nullable IrRateLimit rateLimit, @Nullable IrTracing tracing,
        List<IrLogService> logServices, IrModuleFilters moduleFilters, IrFileLog fileLog,
        Set<String> currentClientCertDetails, @Nullable String authFailure, List<IrRuntimeFlag> runtimeFlags) {

    public static final IrServices NONE = new IrServices(null, null, null, List.of(), IrModuleFilters.NONE,
            IrFileLog.TEXT, Set.of(), null, List.of());

    public IrServices {
        logServices = List.copyOf(logServices);
        runtimeFlags = List.copyOf(runtimeFlags);
        currentClientCertDetails = java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(
                currentClientCertDetails));
    }
}

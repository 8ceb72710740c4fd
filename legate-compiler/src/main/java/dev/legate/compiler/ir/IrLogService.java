package dev.legate.compiler.ir;

import java.util.List;

/**
 * A gRPC access logger from a LogService (Emissary's IRLogService), added to every HTTP connection manager.
 *
 * @param logName the {@code log_name} the access log service sees
 * @param cluster the Envoy name of the log service's (HTTP/2) cluster
 * @param flushIntervalSeconds {@code flush_interval_time}
 * @param bufferSizeBytes {@code flush_interval_byte_size}
 * @param requestHeaders headers logged with requests (HTTP driver only), and likewise for responses and trailers
 */
public record IrLogService(String logName, Driver driver, String cluster, int flushIntervalSeconds,
        int bufferSizeBytes, List<String> requestHeaders, List<String> responseHeaders, List<String> trailerHeaders,
        Provenance provenance) {

    public IrLogService {
        requestHeaders = List.copyOf(requestHeaders);
        responseHeaders = List.copyOf(responseHeaders);
        trailerHeaders = List.copyOf(trailerHeaders);
    }

    /** {@code http} logs HTTP requests ({@code envoy.access_loggers.http_grpc}); {@code tcp} logs connections. */
    public enum Driver {
        HTTP, TCP
    }
}

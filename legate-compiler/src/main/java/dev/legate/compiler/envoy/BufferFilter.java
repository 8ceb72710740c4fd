package dev.legate.compiler.envoy;

import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import dev.legate.compiler.ir.Ir;
import io.envoyproxy.envoy.extensions.filters.http.buffer.v3.Buffer;
import java.util.Optional;

/** {@code envoy.filters.http.buffer}: Module {@code buffer.max_request_bytes}. */
final class BufferFilter implements HttpFilter {

    @Override
    public String name() {
        return "envoy.filters.http.buffer";
    }

    @Override
    public Optional<Message> typedConfig(Ir ir) {
        Integer max = ir.services().moduleFilters().bufferMaxRequestBytes();
        return max == null ? Optional.empty()
                : Optional.of(Buffer.newBuilder().setMaxRequestBytes(UInt32Value.of(max)).build());
    }
}

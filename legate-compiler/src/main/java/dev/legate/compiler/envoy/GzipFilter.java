package dev.legate.compiler.envoy;

import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import dev.legate.compiler.ir.Ir;
import dev.legate.compiler.ir.IrModuleFilters;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.compression.gzip.compressor.v3.Gzip;
import io.envoyproxy.envoy.extensions.filters.http.compressor.v3.Compressor;
import java.util.Optional;

/**
 * Module {@code gzip}: Envoy's compressor filter with the gzip library, under Emissary's filter name
 * {@code envoy.filters.http.gzip} (so stat names stay the same).
 */
final class GzipFilter implements HttpFilter {

    @Override
    public String name() {
        return "envoy.filters.http.gzip";
    }

    @Override
    public Optional<Message> typedConfig(Ir ir) {
        IrModuleFilters.Gzip g = ir.services().moduleFilters().gzip();
        if (g == null) {
            return Optional.empty();
        }
        Gzip.Builder gzip = Gzip.newBuilder();
        if (g.memoryLevel() != null) {
            gzip.setMemoryLevel(UInt32Value.of(g.memoryLevel()));
        }
        if (g.compressionLevel() != null) {
            // By descriptor: BEST_SPEED and BEST_COMPRESSION are aliases, which Java's Enum.valueOf does not know.
            gzip.setCompressionLevel(Gzip.CompressionLevel.valueOf(
                    Gzip.CompressionLevel.getDescriptor().findValueByName(g.compressionLevel())));
        }
        if (g.compressionStrategy() != null) {
            gzip.setCompressionStrategy(Gzip.CompressionStrategy.valueOf(
                    Gzip.CompressionStrategy.getDescriptor().findValueByName(g.compressionStrategy())));
        }
        if (g.windowBits() != null) {
            gzip.setWindowBits(UInt32Value.of(g.windowBits()));
        }
        Compressor.CommonDirectionConfig.Builder common = Compressor.CommonDirectionConfig.newBuilder()
                .addAllContentType(g.contentTypes());
        if (g.minContentLength() != null) {
            common.setMinContentLength(UInt32Value.of(g.minContentLength()));
        }
        Compressor.ResponseDirectionConfig.Builder response = Compressor.ResponseDirectionConfig.newBuilder()
                .setCommonConfig(common);
        if (g.disableOnEtagHeader() != null) {
            response.setDisableOnEtagHeader(g.disableOnEtagHeader());
        }
        if (g.removeAcceptEncodingHeader() != null) {
            response.setRemoveAcceptEncodingHeader(g.removeAcceptEncodingHeader());
        }
        return Optional.of(Compressor.newBuilder()
                .setCompressorLibrary(TypedExtensionConfig.newBuilder().setName("envoy.compression.gzip.compressor")
                        .setTypedConfig(Protos.pack(gzip.build())))
                .setResponseDirectionConfig(response)
                .build());
    }
}

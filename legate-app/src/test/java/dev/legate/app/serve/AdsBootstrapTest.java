package dev.legate.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bootstrap written at start without protobuf is, as JSON, the one protobuf prints. */
final class AdsBootstrapTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "legate|default|127.0.0.1|8003|8001",
        "pod-7f9c\"x\\y|ambassador-é|::1|18003|19001",
        "''|''|localhost|1|65535",
        "a|b|127.0.0.1|8003|0"})
    void theInitialJsonIsTheProtobufOne(String nodeId, String cluster, String host, int adsPort, int adminPort)
            throws Exception {
        InetSocketAddress ads = InetSocketAddress.createUnresolved(host, adsPort);
        JsonNode expected = JSON.readTree(AdsBootstrap.json(AdsBootstrap.bootstrap(nodeId, cluster, ads, adminPort)));
        JsonNode actual = JSON.readTree(AdsBootstrap.initialJson(nodeId, cluster, ads, adminPort));

        assertThat(actual).isEqualTo(expected);
        assertThat(actual.path("node").path("id").asText()).isEqualTo(nodeId);
    }
}

package dev.legate.compiler.ir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Emissary's naming and matching rules that users can see. */
final class NamingRulesTest {

    @Test
    void longClusterNamesAreShortenedWithHashAndCounter() {
        String a = "cluster_" + "x".repeat(60) + "_a";
        String b = "cluster_" + "x".repeat(60) + "_b";
        Map<String, String> names = ClusterNames.envoyNames(List.of(b, a, "cluster_short_default"));
        assertThat(names.get("cluster_short_default")).isEqualTo("cluster_short_default");
        assertThat(names.get(a)).matches("cluster_x{32}-[0-9A-F]{16}-0").hasSizeLessThanOrEqualTo(60);
        assertThat(names.get(b)).matches("cluster_x{32}-[0-9A-F]{16}-0");
        assertThat(names.get(a)).isNotEqualTo(names.get(b));
        assertThat(ClusterNames.sanitize("cluster_http://svc-0002.team-b:8080_team-b"))
                .isEqualTo("cluster_http___svc_0002_team_b_8080_team_b");
    }

    @Test
    void serviceNamesAreQualifiedAndParsedAsEmissaryDoes() throws Exception {
        assertThat(ServiceName.parse("quote", "team", "default", true).normalized()).isEqualTo("quote.team");
        assertThat(ServiceName.parse("quote", "default", "default", true).normalized()).isEqualTo("quote");
        assertThat(ServiceName.parse("quote.other", "team", "default", true).normalized()).isEqualTo("quote.other");
        assertThat(ServiceName.parse("quote", "team", "default", false).normalized()).isEqualTo("quote");
        ServiceName https = ServiceName.parse("https://Secure.Example.com:8443/path", "team", "default", true);
        assertThat(https.normalized()).isEqualTo("https://secure.example.com:8443");
        assertThat(https.port()).isEqualTo(8443);
        assertThat(ServiceName.parse("[::1]:80", "x", "default", true).normalized()).isEqualTo("[::1]:80");
        assertThatThrownBy(() -> ServiceName.parse(":8080", "x", "default", true))
                .isInstanceOf(ServiceName.MalformedServiceException.class);
        assertThatThrownBy(() -> ServiceName.parse("svc:http", "x", "default", true))
                .hasMessageContaining("not a number");
    }

    @Test
    void hostGlobsOverlapAsInEmissary() {
        assertThat(HostGlobs.overlap("*", "anything.test")).isTrue();
        assertThat(HostGlobs.overlap("*.example.com", "foo.example.com")).isTrue();
        assertThat(HostGlobs.overlap("*.example.com", "example.com")).isFalse();
        assertThat(HostGlobs.overlap("*example.com", "*.example.com")).isTrue();
        assertThat(HostGlobs.overlap("example.*", "example.com")).isTrue();
        assertThat(HostGlobs.overlap("example.*", "*.com")).isTrue();
        assertThat(HostGlobs.overlap("a.test", "b.test")).isFalse();
        assertThat(HostGlobs.overlap("*.a.*", "x.a.y")).isFalse();
        assertThat(HostGlobs.overlap(".example.com", "*")).isTrue();
        assertThat(HostGlobs.overlap(".example.com", "x.example.com")).isFalse();
    }

    @Test
    void routeWeightOrdersLikePythonLists() {
        IrRouteWeight shortPrefix = new IrRouteWeight(0, 3, 0, 0, "/a/", "GET", List.of());
        IrRouteWeight longPrefix = new IrRouteWeight(0, 5, 0, 0, "/abc/", "GET", List.of());
        IrRouteWeight precedence = new IrRouteWeight(1, 1, 0, 0, "/", "GET", List.of());
        IrRouteWeight fewerKeys = new IrRouteWeight(0, 3, 0, 0, "/a/", "GET", List.of("a"));
        IrRouteWeight moreKeys = new IrRouteWeight(0, 3, 0, 0, "/a/", "GET", List.of("a", "b"));
        assertThat(precedence).isGreaterThan(longPrefix);
        assertThat(longPrefix).isGreaterThan(shortPrefix);
        assertThat(moreKeys).isGreaterThan(fewerKeys);
    }
}

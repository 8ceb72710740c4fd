package dev.legate.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.type.matcher.v3.ListStringMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The parts of {@link ServiceFilters} that follow Envoy's rules without a network: descriptors and header matchers. */
final class ServiceFiltersTest {

    private static final Query QUERY = Query.get("q", "h", "/p", new Expected.NotFound())
            .withHeaders(Map.of("x-tenant", "t1"));

    private static RateLimit.Action header(String name, boolean skipIfAbsent) {
        return RateLimit.Action.newBuilder().setRequestHeaders(RateLimit.Action.RequestHeaders.newBuilder()
                .setHeaderName(name).setDescriptorKey("k-" + name).setSkipIfAbsent(skipIfAbsent)).build();
    }

    private static RateLimit.Action generic(String key, String value) {
        return RateLimit.Action.newBuilder().setGenericKey(RateLimit.Action.GenericKey.newBuilder()
                .setDescriptorKey(key).setDescriptorValue(value)).build();
    }

    private static List<String> entries(Optional<RateLimitDescriptor> d) {
        return d.orElseThrow().getEntriesList().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    @Test
    void everyActionAddsAnEntryInOrder() {
        RateLimit limit = RateLimit.newBuilder().addActions(generic("", "v")).addActions(header("x-tenant", false))
                .addActions(RateLimit.Action.newBuilder().setRemoteAddress(
                        RateLimit.Action.RemoteAddress.getDefaultInstance()))
                .addActions(RateLimit.Action.newBuilder().setDestinationCluster(
                        RateLimit.Action.DestinationCluster.getDefaultInstance()))
                .build();
        assertThat(entries(ServiceFilters.descriptor(limit, QUERY, "c1"))).containsExactly("generic_key=v",
                "k-x-tenant=t1", "remote_address=127.0.0.1", "destination_cluster=c1");
    }

    @Test
    void anAbsentHeaderDropsTheDescriptorUnlessSkipped() {
        RateLimit dropped = RateLimit.newBuilder().addActions(generic("g", "v")).addActions(header("x-none", false))
                .build();
        assertThat(ServiceFilters.descriptor(dropped, QUERY, "c")).isEmpty();
        RateLimit skipped = RateLimit.newBuilder().addActions(generic("g", "v")).addActions(header("x-none", true))
                .build();
        assertThat(entries(ServiceFilters.descriptor(skipped, QUERY, "c"))).containsExactly("g=v");
    }

    @Test
    void headerMatchersHonourIgnoreCase() {
        ListStringMatcher list = ListStringMatcher.newBuilder()
                .addPatterns(StringMatcher.newBuilder().setExact("X-User").setIgnoreCase(true))
                .addPatterns(StringMatcher.newBuilder().setPrefix("x-auth-"))
                .build();
        assertThat(ServiceFilters.matches(list, "x-user")).isTrue();
        assertThat(ServiceFilters.matches(list, "x-auth-extra")).isTrue();
        assertThat(ServiceFilters.matches(list, "x-other")).isFalse();
        assertThat(ServiceFilters.matches(ListStringMatcher.newBuilder().addPatterns(StringMatcher.newBuilder()
                .setExact("X-User")).build(), "x-user")).isFalse();
    }
}

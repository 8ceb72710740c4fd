package dev.legate.xds;

import static dev.legate.xds.Fixtures.basic;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources.ApiVersion;
import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ContentSnapshotTest {

    @Test
    void typeVersionsFollowTheDocumentedFormula() throws Exception {
        XdsResources b = basic();
        ContentSnapshot snapshot = ContentSnapshot.of(b, null);
        assertThat(snapshot.versions().clusters()).isEqualTo(expected(b.clusters().stream()
                .sorted(Comparator.comparing(io.envoyproxy.envoy.config.cluster.v3.Cluster::getName)).toList()));
        assertThat(snapshot.versions().secrets()).isEqualTo(expected(b.secrets()));
        // An empty type hashes nothing.
        assertThat(ContentSnapshot.of(XdsResources.empty(), null).versions().clusters())
                .isEqualTo("e3b0c44298fc1c14");
    }

    private static String expected(List<? extends Message> sorted) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (Message m : sorted) {
            digest.update(io.envoyproxy.controlplane.cache.Resources.getResourceName(m)
                    .getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            MessageDigest own = MessageDigest.getInstance("SHA-256");
            own.update(ContentSnapshot.serialize(m).toByteArray());
            digest.update(HexFormat.of().formatHex(own.digest(), 0, 8).getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) 0);
        }
        return HexFormat.of().formatHex(digest.digest(), 0, 8);
    }

    @Test
    void versionsDependOnContentNotOrderOrInstances() {
        XdsResources b = basic();
        XdsResources shuffled = new XdsResources(b.listeners().reversed(), b.routes(), b.clusters().reversed(),
                b.endpoints(), b.secrets());
        assertThat(ContentSnapshot.of(shuffled, null).versions()).isEqualTo(ContentSnapshot.of(basic(), null)
                .versions());
        XdsVersions changed = ContentSnapshot.of(basic("10.0.0.2"), null).versions();
        XdsVersions original = ContentSnapshot.of(b, null).versions();
        assertThat(changed.endpoints()).isNotEqualTo(original.endpoints());
        assertThat(changed.clusters()).isEqualTo(original.clusters());
        assertThat(changed.listeners()).isEqualTo(original.listeners());
    }

    @Test
    void unchangedResourcesKeepTheirEntryAndPerResourceVersions() {
        ContentSnapshot first = ContentSnapshot.of(basic(), null);
        ContentSnapshot second = ContentSnapshot.of(basic("10.0.0.2"), first);
        assertThat(second.set(XdsType.CLUSTER).entries().get("cluster_a"))
                .isSameAs(first.set(XdsType.CLUSTER).entries().get("cluster_a"));
        assertThat(second.set(XdsType.ENDPOINT).entries().get("cluster_a").version())
                .isNotEqualTo(first.set(XdsType.ENDPOINT).entries().get("cluster_a").version())
                .matches("[0-9a-f]{16}");
        assertThat(second.versionedResources(ResourceType.CLUSTER).get("cluster_b").version())
                .isEqualTo(first.set(XdsType.CLUSTER).entries().get("cluster_b").version());
    }

    @Test
    void resourcesAreServedInNameOrder() {
        XdsResources b = basic();
        ContentSnapshot s = ContentSnapshot.of(new XdsResources(b.listeners().reversed(), b.routes(),
                b.clusters().reversed(), b.endpoints(), b.secrets()), null);
        assertThat(s.resources(ResourceType.CLUSTER).keySet()).containsExactly("cluster_a", "cluster_b");
        assertThat(s.resources(ResourceType.LISTENER).keySet()).containsExactly("http", "https");
        assertThat(s.resources().clusters()).extracting(c -> c.getName()).containsExactly("cluster_a", "cluster_b");
    }

    @Test
    void thePackedFormIsTheMessage() throws Exception {
        ContentSnapshot s = ContentSnapshot.of(basic(), null);
        ContentSnapshot.Entry e = s.set(XdsType.ROUTE).entries().get("http-routes");
        assertThat(e.packed().getTypeUrl()).isEqualTo(XdsType.ROUTE.typeUrl());
        assertThat(e.packed().unpack(io.envoyproxy.envoy.config.route.v3.RouteConfiguration.class))
                .isEqualTo(e.resource());
        PackedSerializer serializer = new PackedSerializer();
        serializer.retain(s, null);
        assertThat(serializer.serialize(e.resource(), ApiVersion.V3)).isSameAs(e.packed());
        // A different instance with equal content is packed afresh.
        assertThat(serializer.serialize(e.resource().toBuilder().build(), ApiVersion.V3)).isNotSameAs(e.packed())
                .isEqualTo(com.google.protobuf.Any.pack(e.resource()));
    }
}

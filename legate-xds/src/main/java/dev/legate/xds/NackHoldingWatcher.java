package dev.legate.xds;

import com.google.common.collect.Sets;
import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Stops NACK loops: after a NACK, the next response of that type goes out only when there is a new version.
 *
 * <p>An Envoy NACKs with {@code version_info} set to the last version it accepted. java-control-plane's
 * {@code SimpleCache} compares that with the snapshot's version, finds them different and answers at once with the
 * very version that was just rejected; Envoy rejects it again, and the two spin as fast as the network allows. (For a
 * named subscription the same happens through the "new names" shortcut, since a NACK does not update the names the
 * stream counts as known.) This watcher rewrites such a request, before the cache sees it, to claim the rejected
 * version and the requested names, so the cache opens a watch that fires on the next change.
 *
 * <p>Delta streams loop the same way for resources subscribed to by name and rejected before any version of them was
 * accepted: java-control-plane keeps them "pending" and answers pending names at once. For a delta NACK this watcher
 * counts the rejected resources as held at their rejected versions, so they are sent again only once they change.
 * (The stream's own bookkeeping is untouched: what the client really acknowledges still comes from its ACKs.)
 */
final class NackHoldingWatcher implements ConfigWatcher {

    private final ConfigWatcher delegate;
    private final ClientTracker tracker;

    NackHoldingWatcher(ConfigWatcher delegate, ClientTracker tracker) {
        this.delegate = delegate;
        this.tracker = tracker;
    }

    @Override
    public Watch createWatch(boolean ads, XdsRequest request, Set<String> knownResourceNames,
            Consumer<Response> responseConsumer, boolean hasClusterChanged, boolean allowDefaultEmptyEdsUpdate) {
        DiscoveryRequest r = request.v3Request();
        XdsRequest effective = request;
        Set<String> known = knownResourceNames;
        if (r.hasErrorDetail()) {
            ClientTracker.StreamContext stream = ClientTracker.STREAM.get();
            Optional<XdsType> type = XdsType.ofTypeUrl(r.getTypeUrl());
            String rejected = stream == null || type.isEmpty() ? null
                    : tracker.rejectedVersion(stream.streamId, type.get(), r.getResponseNonce());
            if (rejected != null) {
                effective = XdsRequest.create(r.toBuilder().setVersionInfo(rejected).build());
                known = Sets.union(knownResourceNames, Set.copyOf(r.getResourceNamesList()));
            }
        }
        return delegate.createWatch(ads, effective, known, responseConsumer, hasClusterChanged,
                allowDefaultEmptyEdsUpdate);
    }

    @Override
    public DeltaWatch createDeltaWatch(DeltaXdsRequest request, String requesterVersion,
            Map<String, String> resourceVersions, Set<String> pendingResources, boolean isWildcard,
            Consumer<DeltaResponse> responseConsumer, boolean hasClusterChanged) {
        Map<String, String> tracked = resourceVersions;
        Set<String> pending = pendingResources;
        DeltaDiscoveryRequest r = request.v3Request();
        if (r.hasErrorDetail()) {
            ClientTracker.StreamContext stream = ClientTracker.STREAM.get();
            Optional<XdsType> type = XdsType.ofTypeUrl(r.getTypeUrl());
            Map<String, String> rejected = stream == null || type.isEmpty() ? Map.of()
                    : tracker.rejectedResources(stream.streamId, type.get(), r.getResponseNonce());
            if (!rejected.isEmpty()) {
                Map<String, String> t = new HashMap<>(resourceVersions);
                t.putAll(rejected);
                tracked = t;
                pending = Sets.difference(pendingResources, rejected.keySet());
            }
        }
        return delegate.createDeltaWatch(request, requesterVersion, tracked, pending, isWildcard, responseConsumer,
                hasClusterChanged);
    }
}

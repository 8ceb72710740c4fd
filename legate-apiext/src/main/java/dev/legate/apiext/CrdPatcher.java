package dev.legate.apiext;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceConversion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.apiextensions.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.apiextensions.v1.WebhookConversion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the conversion settings of the selected CRDs pointing at this webhook: strategy {@code Webhook}, the
 * Service, {@code /webhooks/crd-convert}, ConversionReview {@code v1}, and the current CA bundle. Without the CA
 * bundle the API server cannot call the webhook, and every read of a version other than the stored one fails.
 *
 * <p>It watches the CRDs, so a CRD installed or re-applied later (which would wipe the CA bundle) is fixed at once,
 * and re-patches every CRD when the certificates change. Each change is a JSON merge patch of
 * {@code spec.conversion} only, made only when something differs.
 */
final class CrdPatcher implements AutoCloseable {

    /** Where the API server should send ConversionReviews. */
    record ServiceRef(String namespace, String name, int port) {
        ServiceRef {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("service port out of range: " + port);
            }
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(CrdPatcher.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final CrdSelection selection;
    private final ServiceRef service;
    private final Duration retryAfter;
    private final CrdStore store = new CrdStore();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(
            Threads.daemon("legate-apiext-crds"));
    private volatile @Nullable CertificateBundle bundle;
    private volatile boolean firstPassDone;
    private volatile boolean closed;
    private volatile @Nullable SharedIndexInformer<CustomResourceDefinition> informer;

    CrdPatcher(KubernetesClient client, CrdSelection selection, ServiceRef service, Duration retryAfter) {
        this.client = Objects.requireNonNull(client, "client");
        this.selection = Objects.requireNonNull(selection, "selection");
        this.service = Objects.requireNonNull(service, "service");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** Starts watching CRDs; nothing is patched before {@link #use} gives the certificates. */
    void start() {
        var crds = client.apiextensions().v1().customResourceDefinitions();
        var filtered = selection.labelSelector() == null ? crds : crds.withLabelSelector(selection.labelSelector());
        SharedIndexInformer<CustomResourceDefinition> i = filtered.runnableInformer(0);
        i.itemStore(store);
        i.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(CustomResourceDefinition crd) {
                enqueue(crd.getMetadata().getName());
            }

            @Override
            public void onUpdate(CustomResourceDefinition before, CustomResourceDefinition crd) {
                enqueue(crd.getMetadata().getName());
            }

            @Override
            public void onDelete(CustomResourceDefinition crd, boolean finalStateUnknown) {
                failures.remove(crd.getMetadata().getName());
            }
        });
        informer = i;
        LOG.info("watching {} to point their conversion at Service {}/{} port {}", selection.describe(),
                service.namespace(), service.name(), service.port());
        i.start().whenComplete((ok, error) -> {
            if (error == null) {
                worker.execute(this::reconcileAll);
            } else if (!closed) {
                LOG.warn("cannot list CustomResourceDefinitions: {}; trying again in {} s", firstLine(
                        error.getMessage()), retryAfter.toSeconds());
                i.close();
                worker.schedule(() -> {
                    if (!closed) {
                        start();
                    }
                }, retryAfter.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Uses these certificates from now on: every selected CRD gets their CA bundle. */
    void use(CertificateBundle certificates) {
        bundle = Objects.requireNonNull(certificates, "certificates");
        worker.execute(this::reconcileAll);
    }

    private void reconcileAll() {
        SharedIndexInformer<CustomResourceDefinition> i = informer;
        if (bundle == null || i == null || !i.hasSynced()) {
            return;
        }
        long patched = store.keySet().sorted().filter(this::reconcile).count();
        if (!firstPassDone) {
            firstPassDone = true;
            LOG.info("checked the {} selected CRDs: {} patched, {} failing", store.values()
                    .filter(selection::matches).count(), patched, failures.size());
        }
    }

    private void enqueue(String name) {
        if (pending.add(name)) {
            worker.execute(() -> {
                pending.remove(name);
                reconcile(name);
            });
        }
    }

    /**
     * Patches one CRD if its conversion settings differ from the wanted ones; true when it did. Runs on the worker
     * thread.
     */
    private boolean reconcile(String name) {
        CertificateBundle certificates = bundle;
        CustomResourceDefinition crd = store.get(name);
        if (certificates == null || crd == null) {
            return false;
        }
        if (!selection.matches(crd) || crd.getMetadata().getDeletionTimestamp() != null) {
            failures.remove(name);
            return false;
        }
        byte[] caBundle = certificates.caBundleBytes();
        if (configured(crd, caBundle)) {
            failures.remove(name);
            return false;
        }
        try {
            client.apiextensions().v1().customResourceDefinitions().withName(name)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch(crd, caBundle));
            failures.remove(name);
            LOG.info("CRD {}: conversion now by webhook at Service {}/{} port {}, with a CA bundle of {} "
                    + "certificate(s)", name, service.namespace(), service.name(), service.port(),
                    certificates.trusted().size());
            return true;
        } catch (KubernetesClientException e) {
            String message = e.getCode() == 403
                    ? "forbidden: the webhook's ServiceAccount may not patch it (check its ClusterRole)"
                    : e.getCode() == 404 ? "gone" : firstLine(e.getMessage());
            if (e.getCode() == 404) {
                failures.remove(name);
                return false;
            }
            failures.put(name, message);
            LOG.warn("CRD {}: cannot set its conversion webhook: {}; retrying in {} s", name, message,
                    retryAfter.toSeconds());
            worker.schedule(() -> enqueue(name), retryAfter.toMillis(), TimeUnit.MILLISECONDS);
            return false;
        }
    }

    /** True when {@code crd} already converts through this webhook with exactly this CA bundle. */
    boolean configured(CustomResourceDefinition crd, byte[] caBundle) {
        CustomResourceConversion conversion = crd.getSpec().getConversion();
        if (conversion == null || !"Webhook".equals(conversion.getStrategy())) {
            return false;
        }
        WebhookConversion webhook = conversion.getWebhook();
        if (webhook == null || webhook.getClientConfig() == null || !reviewsV1First(webhook)) {
            return false;
        }
        WebhookClientConfig config = webhook.getClientConfig();
        ServiceReference ref = config.getService();
        if (config.getUrl() != null || ref == null || config.getCaBundle() == null) {
            return false;
        }
        int port = ref.getPort() == null ? 443 : ref.getPort();
        if (!service.namespace().equals(ref.getNamespace()) || !service.name().equals(ref.getName())
                || port != service.port() || !WebhookHandler.PATH.equals(ref.getPath())) {
            return false;
        }
        try {
            return Arrays.equals(caBundle, Base64.getMimeDecoder().decode(config.getCaBundle()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The API server sends the first ConversionReview version in the list that it knows: it must be v1. */
    private static boolean reviewsV1First(@Nullable WebhookConversion webhook) {
        List<String> versions = webhook == null ? null : webhook.getConversionReviewVersions();
        return versions != null && !versions.isEmpty() && "v1".equals(versions.getFirst());
    }

    private String patch(CustomResourceDefinition crd, byte[] caBundle) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode conversion = root.putObject("spec").putObject("conversion");
        conversion.put("strategy", "Webhook");
        ObjectNode webhook = conversion.putObject("webhook");
        CustomResourceConversion current = crd.getSpec().getConversion();
        if (current == null || !reviewsV1First(current.getWebhook())) {
            // A merge patch replaces the whole list (left alone when it already starts with v1).
            webhook.putArray("conversionReviewVersions").add("v1");
        }
        ObjectNode clientConfig = webhook.putObject("clientConfig");
        clientConfig.putNull("url");
        clientConfig.put("caBundle", Base64.getEncoder().encodeToString(caBundle));
        clientConfig.putObject("service")
                .put("namespace", service.namespace())
                .put("name", service.name())
                .put("path", WebhookHandler.PATH)
                .put("port", service.port());
        return root.toString();
    }

    /** True once the CRDs were listed and each selected one was checked (and patched if needed) at least once. */
    boolean firstPassDone() {
        return firstPassDone;
    }

    /** One line: how many selected CRDs are configured, and which are not and why. */
    String status() {
        CertificateBundle certificates = bundle;
        if (certificates == null) {
            return "waiting for certificates";
        }
        byte[] caBundle = certificates.caBundleBytes();
        List<CustomResourceDefinition> selected = store.values().filter(selection::matches).toList();
        long configured = selected.stream().filter(c -> configured(c, caBundle)).count();
        StringBuilder out = new StringBuilder(configured + " of " + selected.size() + " CRDs configured");
        Map<String, String> failing = new TreeMap<>(failures);
        if (!failing.isEmpty()) {
            out.append("; failing: ");
            failing.forEach((name, why) -> out.append(name).append(" (").append(why).append(") "));
        }
        return out.toString().trim();
    }

    private static String firstLine(@Nullable String message) {
        return message == null ? "unknown error" : message.lines().findFirst().orElse(message);
    }

    @Override
    public void close() {
        closed = true;
        SharedIndexInformer<CustomResourceDefinition> i = informer;
        if (i != null) {
            i.close();
        }
        worker.shutdownNow();
    }
}

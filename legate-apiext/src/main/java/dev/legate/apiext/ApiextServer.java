package dev.legate.apiext;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running webhook: the HTTPS ConversionReview server, the plain-HTTP probe server, the certificate source and
 * (with Kubernetes) the CRD patcher, wired together.
 *
 * <p>Ready means: a certificate is loaded and, when CRDs are patched, every selected CRD was checked once.
 */
final class ApiextServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiextServer.class);

    private final HttpsServer https;
    private final HttpServer probes;
    private final ExecutorService workers;
    private final ExecutorService probeWorker;
    private final ReloadingKeyManager keyManager;
    private final CertificateSource certificates;
    private final @Nullable CrdPatcher patcher;
    private volatile boolean warm;

    private ApiextServer(HttpsServer https, HttpServer probes, ExecutorService workers, ExecutorService probeWorker,
            ReloadingKeyManager keyManager, CertificateSource certificates, @Nullable CrdPatcher patcher) {
        this.https = https;
        this.probes = probes;
        this.workers = workers;
        this.probeWorker = probeWorker;
        this.keyManager = keyManager;
        this.certificates = certificates;
        this.patcher = patcher;
    }

    /**
     * Binds both ports and starts everything. The HTTPS port accepts connections at once; handshakes succeed once
     * the first certificate is there (readiness says when).
     *
     * @param onCertificates also told about each new bundle (for example to write the CA bundle to a file)
     * @throws IOException when a port cannot be bound
     */
    static ApiextServer start(ServerSettings settings, CertificateSource certificates, @Nullable CrdPatcher patcher,
            List<Consumer<CertificateBundle>> onCertificates) throws IOException {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(certificates, "certificates");
        ReloadingKeyManager keyManager = new ReloadingKeyManager();
        SSLContext tls = keyManager.sslContext();

        HttpServer probes = HttpServer.create(new InetSocketAddress(settings.bind(), settings.probePort()), 16);
        HttpsServer https;
        try {
            https = HttpsServer.create(new InetSocketAddress(settings.bind(), settings.httpsPort()), 64);
        } catch (IOException e) {
            probes.stop(0);
            throw e;
        }
        https.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
                parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                parameters.setNeedClientAuth(false);
                params.setSSLParameters(parameters);
            }
        });
        ConversionReviews reviews = new ConversionReviews(new ObjectConverter(settings.marking()));
        https.createContext("/", new WebhookHandler(reviews, settings.maxRequestBytes()));
        ExecutorService workers = Executors.newFixedThreadPool(settings.threads(),
                Threads.daemon("legate-apiext-http"));
        https.setExecutor(workers);

        ExecutorService probeWorker = Executors.newSingleThreadExecutor(Threads.daemon("legate-apiext-probes"));
        ApiextServer server = new ApiextServer(https, probes, workers, probeWorker, keyManager, certificates,
                patcher);
        probes.createContext("/", new ProbeHandler(server::readiness));
        probes.setExecutor(probeWorker);

        if (settings.warmupRounds() == 0) {
            server.warm = true;
        }
        probes.start();
        https.start();
        LOG.info("probes on http://{}:{}{} and {}", settings.bind().getHostAddress(),
                probes.getAddress().getPort(), ProbeHandler.LIVE, ProbeHandler.READY);
        LOG.info("conversion webhook on https://{}:{}{}", settings.bind().getHostAddress(),
                https.getAddress().getPort(), WebhookHandler.PATH);

        if (patcher != null) {
            patcher.start();
        }
        AtomicBoolean first = new AtomicBoolean(true);
        certificates.start(bundle -> {
            keyManager.use(bundle);
            if (first.getAndSet(false) && !server.warm) {
                Thread warmup = new Thread(() -> {
                    Warmup.run(warmupSender(settings, https.getAddress().getPort(), reviews, bundle),
                            settings.warmupRounds(), Duration.ofSeconds(10));
                    server.warm = true;
                }, "legate-apiext-warmup");
                warmup.setDaemon(true);
                warmup.start();
            }
            if (patcher != null) {
                patcher.use(bundle);
            }
            for (Consumer<CertificateBundle> listener : onCertificates) {
                try {
                    listener.accept(bundle);
                } catch (RuntimeException e) {
                    LOG.warn("a certificate listener failed: {}", e.toString());
                }
            }
        });
        return server;
    }

    /** Over the webhook's own HTTPS port when it listens on loopback (or everywhere), else in-process. */
    private static Warmup.Sender warmupSender(ServerSettings settings, int port, ConversionReviews reviews,
            CertificateBundle bundle) {
        InetAddress bind = settings.bind();
        if (bind.isAnyLocalAddress() || bind.isLoopbackAddress()) {
            InetAddress target = bind.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bind;
            String host = target.getHostAddress().contains(":") ? "[" + target.getHostAddress() + "]"
                    : target.getHostAddress();
            try {
                return Warmup.overHttps(URI.create("https://" + host + ":" + port + WebhookHandler.PATH),
                        bundle.trusted());
            } catch (GeneralSecurityException | IOException | RuntimeException e) {
                LOG.debug("warming up in-process: {}", e.toString());
            }
        }
        return Warmup.inProcess(reviews);
    }

    ProbeHandler.Readiness readiness() {
        CertificateBundle bundle = certificates.current();
        if (bundle == null || !keyManager.hasCertificate()) {
            return new ProbeHandler.Readiness(false, "no certificate yet");
        }
        String certificate = "serving certificate valid until " + bundle.servingNotAfter();
        if (!warm) {
            return new ProbeHandler.Readiness(false, certificate + "; warming up");
        }
        if (patcher == null) {
            return new ProbeHandler.Readiness(true, certificate + "; CRDs are not patched by this webhook");
        }
        boolean ready = patcher.firstPassDone();
        return new ProbeHandler.Readiness(ready, certificate + "; " + (ready ? patcher.status()
                : "CRDs not checked yet (" + patcher.status() + ")"));
    }

    InetSocketAddress httpsAddress() {
        return https.getAddress();
    }

    InetSocketAddress probeAddress() {
        return probes.getAddress();
    }

    @Nullable CertificateBundle certificates() {
        return certificates.current();
    }

    /** Stops accepting, lets requests in flight finish (up to a second), and stops the background work. */
    @Override
    public void close() {
        https.stop(1);
        probes.stop(0);
        if (patcher != null) {
            patcher.close();
        }
        certificates.close();
        workers.shutdownNow();
        probeWorker.shutdownNow();
    }
}

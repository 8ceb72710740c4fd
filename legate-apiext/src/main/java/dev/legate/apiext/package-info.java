/**
 * {@code legate apiext}: the Kubernetes CRD conversion webhook for the {@code getambassador.io} kinds.
 *
 * <p>It answers {@code apiextensions.k8s.io/v1} ConversionReviews over HTTPS with the model's lossless conversion
 * ({@link dev.legate.model.convert}), keeps its CA and serving certificate in a Secret (so restarts and replicas
 * share them), and writes the CA bundle and its Service into each served CRD's conversion settings.
 */
@NullMarked
package dev.legate.apiext;

import org.jspecify.annotations.NullMarked;

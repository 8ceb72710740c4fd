/**
 * The Kubernetes source: fabric8 informers on the getambassador.io kinds, Services, Endpoints, EndpointSlices, TLS
 * Secrets, Ingresses, IngressClasses (and Knative Ingresses), scoped as Emissary scopes them, read as one
 * {@link dev.legate.compiler.config.ResourceSnapshot} built from the informers' caches.
 */
@NullMarked
package dev.legate.sources.kubernetes;

import org.jspecify.annotations.NullMarked;

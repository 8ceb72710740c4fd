/**
 * The getambassador.io CustomResourceDefinitions, generated from the model: v3alpha1 schemas from the spec records,
 * v2/v1 schemas from the shapes the conversion accepts, plus status schemas, printer columns and the conversion
 * webhook. {@link dev.legate.model.crd.CrdGenerator#yaml()} gives the checked-in {@code deploy/crds/legate-crds.yaml}.
 */
@NullMarked
package dev.legate.model.crd;

import org.jspecify.annotations.NullMarked;

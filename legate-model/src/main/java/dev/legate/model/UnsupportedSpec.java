package dev.legate.model;

import com.fasterxml.jackson.databind.JsonNode;

/** A getambassador.io kind Legate recognizes but does not compile yet; kept so it can be reported and shown. */
public record UnsupportedSpec(JsonNode raw) implements Spec {
}

package dev.legate.apiext;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the webhook answers, request by request, including every kind of bad request. */
final class ConversionReviewsTest {

    private final ConversionReviews reviews = new ConversionReviews(
            new ObjectConverter(ObjectConverter.AmbassadorIdMarking.UNCHANGED));

    private static final ObjectNode MAPPING = TestDocs.yaml("""
            apiVersion: getambassador.io/v2
            kind: Mapping
            metadata: {name: quote, namespace: shop, uid: 0b7c, resourceVersion: "12", labels: {app: quote}}
            spec:
              prefix: /quote/
              service: quote.shop
              host: quote.example.com
              headers: {x-canary: true}
            status: {state: Running}
            """);

    private static final ObjectNode LISTENER = TestDocs.yaml("""
            apiVersion: getambassador.io/v3alpha1
            kind: Listener
            metadata: {name: http, namespace: shop}
            spec: {port: 8080, protocol: HTTP, securityModel: XFP, hostBinding: {namespace: {from: ALL}}}
            """);

    private Reply review(String body) {
        return reviews.review(body.getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode response(Reply reply) {
        assertThat(reply.status()).as(reply.bodyText()).isEqualTo(200);
        assertThat(reply.contentType()).isEqualTo("application/json");
        ObjectNode review = TestDocs.json(reply.body());
        assertThat(review.get("apiVersion").textValue()).isEqualTo("apiextensions.k8s.io/v1");
        assertThat(review.get("kind").textValue()).isEqualTo("ConversionReview");
        return (ObjectNode) review.get("response");
    }

    /** A failed review: HTTP 200, the request's uid, status Failure, and the message. */
    private static String failure(Reply reply, String uid) {
        ObjectNode response = response(reply);
        assertThat(response.get("uid").textValue()).isEqualTo(uid);
        assertThat(response.path("result").path("status").asText()).isEqualTo("Failure");
        assertThat(response.has("convertedObjects")).isFalse();
        String message = response.path("result").path("message").asText();
        assertThat(message).doesNotContain("Exception").doesNotContain("\tat ");
        return message;
    }

    /** A plain 4xx: one line of text, no stack trace. */
    private static String badRequest(Reply reply) {
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("text/plain");
        String text = reply.bodyText();
        assertThat(text.strip()).doesNotContain("\n").doesNotContain("\tat ");
        return text;
    }

    @Test
    void convertsAMappingUpAndAnswersWithTheRequestsUid() {
        Reply reply = reviews.review(TestDocs.bytes(TestDocs.review("705ab4f5", "getambassador.io/v3alpha1",
                List.of(MAPPING))));
        ObjectNode response = response(reply);
        assertThat(response.get("uid").textValue()).isEqualTo("705ab4f5");
        assertThat(response.path("result").path("status").asText()).isEqualTo("Success");
        JsonNode converted = response.get("convertedObjects").get(0);
        assertThat(converted.get("apiVersion").textValue()).isEqualTo("getambassador.io/v3alpha1");
        assertThat(converted.get("metadata")).isEqualTo(MAPPING.get("metadata"));
        assertThat(converted.get("status")).isEqualTo(MAPPING.get("status"));
        assertThat(converted.path("spec").path("hostname").asText()).isEqualTo("quote.example.com");
        assertThat(converted.path("spec").path("v2BoolHeaders").get(0).asText()).isEqualTo("x-canary");
    }

    @Test
    void anEmptyListOfObjectsSucceeds() {
        ObjectNode response = response(reviews.review(TestDocs.bytes(
                TestDocs.review("u", "getambassador.io/v2", List.of()))));
        assertThat(response.path("result").path("status").asText()).isEqualTo("Success");
        assertThat(response.get("convertedObjects").size()).isZero();
    }

    @Test
    void objectsAlreadyInTheDesiredVersionComeBackUnchanged() {
        assertThat(TestDocs.converted(TestDocs.send(reviews, "getambassador.io/v2", List.of(MAPPING))))
                .containsExactly(MAPPING);
        assertThat(TestDocs.converted(TestDocs.send(reviews, "getambassador.io/v3alpha1", List.of(LISTENER))))
                .containsExactly(LISTENER);
    }

    @Test
    void v1AndV2ConvertIntoEachOtherByApiVersionAlone() {
        ObjectNode v1 = TestDocs.converted(TestDocs.send(reviews, "getambassador.io/v1", List.of(MAPPING)))
                .getFirst();
        ObjectNode expected = MAPPING.deepCopy().put("apiVersion", "getambassador.io/v1");
        assertThat(v1).isEqualTo(expected);
    }

    @Test
    void emissaryMarkingOfAmbassadorIdIsAvailableAndUndoneOnTheWayUp() {
        ConversionReviews marking = new ConversionReviews(
                new ObjectConverter(ObjectConverter.AmbassadorIdMarking.EMISSARY_PREFIX));
        ObjectNode v3 = TestDocs.yaml("""
                apiVersion: getambassador.io/v3alpha1
                kind: Mapping
                metadata: {name: m, namespace: shop}
                spec: {prefix: /m/, service: m, hostname: "*", ambassador_id: [blue]}
                """);
        ObjectNode v2 = TestDocs.converted(TestDocs.send(marking, "getambassador.io/v2", List.of(v3))).getFirst();
        assertThat(v2.path("spec").path("ambassador_id").get(0).asText())
                .isEqualTo("--apiVersion-v3alpha1-only--blue");
        assertThat(TestDocs.converted(TestDocs.send(marking, "getambassador.io/v3alpha1", List.of(v2))).getFirst())
                .isEqualTo(v3);
    }

    @Test
    void aResourceMissingARequiredFieldStillConvertsBecauseNothingIsLost() {
        // The API server accepted it under some schema; failing it would fail every list of Mappings.
        ObjectNode noService = MAPPING.deepCopy();
        ((ObjectNode) noService.get("spec")).remove("service");
        ObjectNode up = TestDocs.converted(TestDocs.send(reviews, "getambassador.io/v3alpha1", List.of(noService)))
                .getFirst();
        assertThat(up.path("spec").has("service")).isFalse();
        assertThat(TestDocs.converted(TestDocs.send(reviews, "getambassador.io/v2", List.of(up))).getFirst())
                .isEqualTo(noService);
    }

    @Test
    void theWarmUpObjectsConvertBothWaysUnchanged() throws Exception {
        List<ObjectNode> samples = new java.util.ArrayList<>();
        try (var in = Warmup.class.getResourceAsStream("warmup.json")) {
            TestDocs.JSON.readTree(in).forEach(n -> samples.add((ObjectNode) n));
        }
        assertThat(samples).hasSizeGreaterThan(10);
        List<ObjectNode> up = TestDocs.converted(TestDocs.send(reviews, "getambassador.io/v3alpha1", samples));
        assertThat(TestDocs.converted(TestDocs.send(reviews, "getambassador.io/v2", up))).isEqualTo(samples);
        Warmup.run(Warmup.inProcess(reviews), 2, java.time.Duration.ofSeconds(10));
    }

    // ---- malformed requests: 400 with a message -----------------------------------------------------------------

    @Test
    void notJson() {
        assertThat(badRequest(review("{\"apiVersion\": "))).startsWith("the request body is not valid JSON");
        assertThat(badRequest(review("apiVersion: v1\nkind: ConversionReview"))).contains("not valid JSON")
                .contains("line 1");
        assertThat(badRequest(review("{} {}"))).contains("not valid JSON");
        assertThat(badRequest(review(""))).startsWith("empty request body");
        assertThat(badRequest(review("   "))).startsWith("empty request body");
    }

    @Test
    void tooDeeplyNestedJsonIsRefusedNotOverflowed() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        assertThat(badRequest(review(deep))).contains("not valid JSON");
    }

    @Test
    void notAnObject() {
        assertThat(badRequest(review("[1, 2]"))).contains("expected a JSON object").contains("array");
        assertThat(badRequest(review("\"ConversionReview\""))).contains("expected a JSON object");
    }

    @Test
    void wrongApiVersion() {
        ObjectNode review = TestDocs.review("u", "getambassador.io/v2", List.of(MAPPING));
        review.put("apiVersion", "apiextensions.k8s.io/v1beta1");
        assertThat(badRequest(reviews.review(TestDocs.bytes(review))))
                .contains("\"apiextensions.k8s.io/v1beta1\" is not supported").contains("conversionReviewVersions");
        review.remove("apiVersion");
        assertThat(badRequest(reviews.review(TestDocs.bytes(review)))).contains("(missing)");
    }

    @Test
    void wrongKind() {
        ObjectNode review = TestDocs.review("u", "getambassador.io/v2", List.of(MAPPING));
        review.put("kind", "AdmissionReview");
        assertThat(badRequest(reviews.review(TestDocs.bytes(review)))).contains("\"AdmissionReview\"")
                .contains("expected ConversionReview");
    }

    @Test
    void noRequestOrUid() {
        ObjectNode review = TestDocs.review("u", "getambassador.io/v2", List.of(MAPPING));
        ((ObjectNode) review.get("request")).remove("uid");
        assertThat(badRequest(reviews.review(TestDocs.bytes(review)))).startsWith("request.uid");
        ((ObjectNode) review.get("request")).put("uid", 42);
        assertThat(badRequest(reviews.review(TestDocs.bytes(review)))).startsWith("request.uid");
        review.remove("request");
        assertThat(badRequest(reviews.review(TestDocs.bytes(review)))).startsWith("request:");
    }

    // ---- well-formed reviews that cannot be answered: a failed ConversionReview -----------------------------------

    @Test
    void unknownDesiredVersion() {
        Reply reply = reviews.review(TestDocs.bytes(TestDocs.review("u1", "getambassador.io/v4", List.of(MAPPING))));
        assertThat(failure(reply, "u1")).contains("desiredAPIVersion").contains("\"getambassador.io/v4\"");
        ObjectNode review = TestDocs.review("u2", "x", List.of(MAPPING));
        ((ObjectNode) review.get("request")).remove("desiredAPIVersion");
        assertThat(failure(reviews.review(TestDocs.bytes(review)), "u2")).contains("desiredAPIVersion: missing");
    }

    @Test
    void objectsNotAList() {
        ObjectNode review = TestDocs.review("u", "getambassador.io/v2", List.of());
        ((ObjectNode) review.get("request")).put("objects", "all of them");
        assertThat(failure(reviews.review(TestDocs.bytes(review)), "u")).contains("request.objects");
    }

    @Test
    void unknownKind() {
        ObjectNode widget = MAPPING.deepCopy().put("kind", "Widget");
        Reply reply = reviews.review(TestDocs.bytes(TestDocs.review("u", "getambassador.io/v3alpha1",
                List.of(MAPPING, widget))));
        String message = failure(reply, "u");
        assertThat(message).contains("cannot convert 1 of 2 objects").contains("objects[1] Widget shop/quote")
                .contains("kind: \"Widget\"");
    }

    @Test
    void anObjectOfAnotherGroupOrVersion() {
        ObjectNode foreign = MAPPING.deepCopy().put("apiVersion", "example.com/v1");
        assertThat(failure(TestDocs.send(reviews, "getambassador.io/v3alpha1", List.of(foreign)),
                "uid-getambassador.io/v3alpha1")).contains("\"example.com/v1\"");
        assertThat(failure(TestDocs.send(reviews, "getambassador.io/v2", List.of(foreign)),
                "uid-getambassador.io/v2")).contains("\"example.com/v1\"");
    }

    @Test
    void listenerHasNoV2FormAndHostNoV1Form() {
        assertThat(failure(TestDocs.send(reviews, "getambassador.io/v2", List.of(LISTENER)),
                "uid-getambassador.io/v2")).contains("Listener exists only in getambassador.io/v3alpha1");
        ObjectNode host = TestDocs.yaml("""
                apiVersion: getambassador.io/v3alpha1
                kind: Host
                metadata: {name: h, namespace: shop}
                spec: {hostname: shop.example.com}
                """);
        assertThat(failure(TestDocs.send(reviews, "getambassador.io/v1", List.of(host)),
                "uid-getambassador.io/v1")).contains("Host does not exist in getambassador.io/v1");
    }

    @Test
    void anObjectThatIsNotAnObject() {
        ObjectNode review = TestDocs.review("u", "getambassador.io/v2", List.of(MAPPING));
        ((com.fasterxml.jackson.databind.node.ArrayNode) review.get("request").get("objects")).add("Mapping");
        assertThat(failure(reviews.review(TestDocs.bytes(review)), "u")).contains("objects[1]: expected an object");
    }

    @Test
    void aConversionThatWouldLoseDataFails() {
        // v2ExplicitTLS records how v2 spelled `tls`; a value it cannot hold has no v2 spelling to go back to.
        ObjectNode bad = TestDocs.yaml("""
                apiVersion: getambassador.io/v3alpha1
                kind: Mapping
                metadata: {name: vault, namespace: shop}
                spec: {prefix: /v/, service: "https://vault", hostname: "*", v2ExplicitTLS: {tls: sometimes}}
                """);
        String message = failure(TestDocs.send(reviews, "getambassador.io/v2", List.of(bad)),
                "uid-getambassador.io/v2");
        assertThat(message).contains("objects[0] Mapping shop/vault").contains("spec.v2ExplicitTLS.tls");
    }

    @Test
    void aWrongTypeThatSurvivesTheRoundTripIsPassedOnForTheCompilerToReport() {
        // Failing it would fail every list of Mappings; Legate reports it on the resource instead.
        ObjectNode odd = MAPPING.deepCopy();
        ((ObjectNode) odd.get("spec")).putObject("headers").putArray("x-list").add("a");
        ObjectNode up = TestDocs.converted(TestDocs.send(reviews, "getambassador.io/v3alpha1", List.of(odd)))
                .getFirst();
        assertThat(up.path("spec").path("headers").path("x-list").isArray()).isTrue();
        assertThat(TestDocs.converted(TestDocs.send(reviews, "getambassador.io/v2", List.of(up))).getFirst())
                .isEqualTo(odd);
    }

    @Test
    void manyFailuresAreSummarized() {
        List<ObjectNode> widgets = java.util.stream.IntStream.range(0, 25)
                .mapToObj(i -> MAPPING.deepCopy().put("kind", "Widget")).toList();
        String message = failure(TestDocs.send(reviews, "getambassador.io/v3alpha1", widgets),
                "uid-getambassador.io/v3alpha1");
        assertThat(message).contains("cannot convert 25 of 25").contains("and 15 more");
        assertThat(message.length()).isLessThan(5000);
    }
}

package dev.legate.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import org.junit.jupiter.api.Test;

/** The harness's reading of Envoy's path rewrites (prefix_rewrite after each kind of match, regex_rewrite). */
final class XdsRouterRewriteTest {

    @Test
    void prefixRewriteSwapsTheMatchedPart() {
        RouteAction toRoot = RouteAction.newBuilder().setPrefixRewrite("/").build();
        assertThat(XdsRouter.rewrite("/api/item?x=1", RouteMatch.newBuilder().setPrefix("/api/").build(), toRoot))
                .isEqualTo("/item?x=1");
        assertThat(XdsRouter.rewrite("/exact?x=1", RouteMatch.newBuilder().setPath("/exact").build(), toRoot))
                .isEqualTo("/?x=1");
        assertThat(XdsRouter.rewrite("/re/abc", RouteMatch.newBuilder().setSafeRegex(RegexMatcher.newBuilder()
                .setRegex("/re/[a-z]+")).build(), toRoot)).isEqualTo("/");
        assertThat(XdsRouter.rewrite("/api/item", RouteMatch.newBuilder().setPrefix("/api/").build(),
                RouteAction.getDefaultInstance())).isEqualTo("/api/item");
    }

    @Test
    void regexRewriteSubstitutesGroupsAndKeepsTheQuery() {
        RouteAction swap = RouteAction.newBuilder().setRegexRewrite(RegexMatchAndSubstitute.newBuilder()
                .setPattern(RegexMatcher.newBuilder().setRegex("^/hw1/([a-z]+)/([0-9]+)$"))
                .setSubstitution("/\\2/\\1")).build();
        assertThat(XdsRouter.rewrite("/hw1/item/42?full=1", RouteMatch.newBuilder().setPrefix("/hw1/").build(), swap))
                .isEqualTo("/42/item?full=1");
    }
}

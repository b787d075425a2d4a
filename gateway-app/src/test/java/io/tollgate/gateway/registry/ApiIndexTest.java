package io.tollgate.gateway.registry;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Longest base-path prefix on a segment boundary, as requests reach it. */
class ApiIndexTest {

	static final ApiIndex<String> INDEX = ApiIndex.of(List.of("/", "/shop", "/shop/v1", "/shop/v10", "/a/b/c"), p -> p,
			p -> "id" + p);

	static PathContainer path(String raw) {
		return RequestPath.parse(URI.create("http://gateway" + raw), null).pathWithinApplication();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "/shop/v1/items|/shop/v1|/items", "/shop/v1|/shop/v1|''", "/shop/v1/|/shop/v1|/",
					"/shop/v1/a/b?x=1|/shop/v1|/a/b", "/shop/v10|/shop/v10|''", "/shop/v2/x|/shop|/v2/x",
					"/shop|/shop|''", "/shopping|/|/shopping", "/|/|/", "/other/x|/|/other/x",
					"/shop//v1/x|/shop|//v1/x", "/sh%6fp/v1/x|/shop/v1|/x", "/shop;jsessionid=1/v1/x|/shop/v1|/x",
					"/shop%2Fv1/x|/|/shop%2Fv1/x", "/SHOP/v1|/|/SHOP/v1", "/a/b|/|/a/b", "/a/b/c/d|/a/b/c|/d",
					"/a/b/cd|/|/a/b/cd" })
	void longestPrefixOnASegmentBoundary(String request, String expected, String rest) {
		PathContainer path = path(request);
		ApiIndex.Match<String> match = INDEX.lookup(path);
		assertThat(match).isNotNull();
		assertThat(match.value()).isEqualTo(expected);
		String remainder = match.consumed() >= path.elements().size() ? "" : path.subPath(match.consumed()).value();
		assertThat(remainder).isEqualTo(rest);
	}

	@Test
	void withoutARootApi_unknownPathsMatchNothing() {
		ApiIndex<String> index = ApiIndex.of(List.of("/shop/v1"), p -> p, p -> p);
		assertThat(index.lookup(path("/shop"))).isNull();
		assertThat(index.lookup(path("/shop/v"))).isNull();
		assertThat(index.lookup(path("/"))).isNull();
		assertThat(index.lookup(path("/shop//v1"))).isNull();
		assertThat(index.lookup(path("//shop/v1"))).isNull();
		assertThat(index.lookup(path("/shop/v1")).value()).isEqualTo("/shop/v1");
	}

	@Test
	void empty() {
		assertThat(ApiIndex.<String>empty().lookup(path("/x"))).isNull();
		assertThat(ApiIndex.<String>empty().size()).isZero();
	}

	@Test
	void byId() {
		assertThat(INDEX.byId("id/shop")).isEqualTo("/shop");
		assertThat(INDEX.byId("nope")).isNull();
		assertThat(INDEX.size()).isEqualTo(5);
	}

	@Test
	void twoApisOnOneBasePath_areRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> ApiIndex.of(List.of("/a", "/a"), p -> p, p -> p))
			.withMessageContaining("/a");
	}

	@Test
	void thousandsOfApis_eachFoundUnderItsOwnPath() {
		List<String> paths = new ArrayList<>();
		for (int i = 0; i < 5000; i++) {
			paths.add("/team" + (i % 50) + "/api" + i + "/v" + (i % 3));
		}
		ApiIndex<String> index = ApiIndex.of(paths, p -> p, p -> p);
		for (String p : paths) {
			assertThat(index.lookup(path(p + "/resource/1")).value()).isEqualTo(p);
		}
		assertThat(index.lookup(path("/team1/api1/v2"))).isNull();
	}

}

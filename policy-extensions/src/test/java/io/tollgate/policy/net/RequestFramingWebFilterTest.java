package io.tollgate.policy.net;

import java.util.List;

import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestFramingWebFilterTest {

	@Test
	void whenHostWellFormed_thenAccepted() {
		for (String host : List.of("a.example", "A-b.example:8080", "127.0.0.1", "[::1]", "[2001:db8::1]:443", "h_1",
				"a:")) {
			assertThat(RequestFramingWebFilter.wellFormed(host)).as(host).isTrue();
		}
		for (String host : List.of("", ":80", "a b", "a@b", "a,b", "[::1", "[]", "a:123456", "a:8o", "a/b", "a%2eb",
				"[::1]x")) {
			assertThat(RequestFramingWebFilter.wellFormed(host)).as(host).isFalse();
		}
	}

	@Test
	void whenHostMissing_thenOnlyHttp11Refused() {
		assertThat(RequestFramingWebFilter.hostOk(null, HttpVersion.HTTP_1_1, "/a")).isFalse();
		assertThat(RequestFramingWebFilter.hostOk(List.of(), HttpVersion.HTTP_1_1, "/a")).isFalse();
		assertThat(RequestFramingWebFilter.hostOk(null, HttpVersion.HTTP_1_0, "/a")).isTrue();
		assertThat(RequestFramingWebFilter.hostOk(List.of("a", "a"), HttpVersion.HTTP_1_1, "/a")).isFalse();
	}

	@Test
	void whenAbsoluteFormTarget_thenHostMustNameTheSameAuthority() {
		assertThat(RequestFramingWebFilter.hostOk(List.of("a.example"), HttpVersion.HTTP_1_1, "http://a.example/x"))
			.isTrue();
		assertThat(RequestFramingWebFilter.hostOk(List.of("a.example:80"), HttpVersion.HTTP_1_1, "http://A.example"))
			.isTrue();
		assertThat(
				RequestFramingWebFilter.hostOk(List.of("a.example"), HttpVersion.HTTP_1_1, "https://a.example:443/x?y"))
			.isTrue();
		assertThat(RequestFramingWebFilter.hostOk(List.of("a.example"), HttpVersion.HTTP_1_1, "https://a.example:80/"))
			.isFalse();
		assertThat(RequestFramingWebFilter.hostOk(List.of("a.example"), HttpVersion.HTTP_1_1, "http://b.example/x"))
			.isFalse();
		assertThat(RequestFramingWebFilter.hostOk(List.of("a.example"), HttpVersion.HTTP_1_1, "http://u@a.example/"))
			.isFalse();
		assertThat(RequestFramingWebFilter.hostOk(List.of("a.example"), HttpVersion.HTTP_1_1, "ftp://a.example/"))
			.isFalse();
		assertThat(RequestFramingWebFilter.hostOk(List.of("a.example"), HttpVersion.HTTP_1_1, "/x://b.example"))
			.isTrue();
	}

}

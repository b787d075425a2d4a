package io.tollgate.policy.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedProxiesTest {

	private static MockServerHttpRequest from(String peer, String... xff) {
		MockServerHttpRequest.BaseBuilder<?> b = MockServerHttpRequest.get("/")
			.remoteAddress(new InetSocketAddress(peer, 40000));
		for (String v : xff) {
			b.header("X-Forwarded-For", v);
		}
		return b.build();
	}

	@Test
	void whenNoTrustedProxies_thenClientIsTheTcpPeerWhateverTheHeaders() {
		TrustedProxies none = TrustedProxies.of(List.of());
		assertThat(none.clientAddress(from("192.0.2.7", "6.6.6.6")).getHostAddress()).isEqualTo("192.0.2.7");
	}

	@Test
	void whenPeerTrusted_thenRightmostUntrustedHopIsTheClient() {
		TrustedProxies p = TrustedProxies.of(List.of("10.0.0.0/8", "192.168.1.1"));
		assertThat(p.clientAddress(from("10.1.2.3", "6.6.6.6, 203.0.113.9, 10.9.9.9")).getHostAddress())
			.isEqualTo("203.0.113.9");
		assertThat(p.clientAddress(from("192.168.1.1", "203.0.113.9")).getHostAddress()).isEqualTo("203.0.113.9");
	}

	@Test
	void whenPeerNotTrusted_thenForwardedForIgnored() {
		TrustedProxies p = TrustedProxies.of(List.of("10.0.0.0/8"));
		assertThat(p.clientAddress(from("203.0.113.5", "10.0.0.1")).getHostAddress()).isEqualTo("203.0.113.5");
	}

	@Test
	void whenForwardedForHasGarbage_thenStopsAtLastVerifiedHop() {
		TrustedProxies p = TrustedProxies.of(List.of("10.0.0.0/8"));
		assertThat(p.clientAddress(from("10.0.0.2", "evil.example.com, 10.0.0.3")).getHostAddress())
			.isEqualTo("10.0.0.3");
	}

	@Test
	void whenIpv6_thenCidrMatches() throws Exception {
		TrustedProxies p = TrustedProxies.of(List.of("fd00::/8", "::1"));
		assertThat(p.isTrusted(InetAddress.getByName("fd12::1"))).isTrue();
		assertThat(p.isTrusted(InetAddress.getByName("::1"))).isTrue();
		assertThat(p.isTrusted(InetAddress.getByName("fe80::1"))).isFalse();
		assertThat(p.isTrusted(InetAddress.getByName("127.0.0.1"))).isFalse();
	}

	@Test
	void whenBadCidr_thenClearError() {
		assertThatThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/33"))).hasMessageContaining("10.0.0.0/33");
		assertThatThrownBy(() -> TrustedProxies.of(List.of("proxy.example.com")))
			.hasMessageContaining("proxy.example.com");
	}

}

package io.tollgate.policy.net;

import java.net.Inet6Address;
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

	@Test
	void whenPrefixIsAtABoundary_thenOnlyAddressesInsideMatch() throws Exception {
		TrustedProxies p = TrustedProxies.of(List.of("10.0.0.0/9", "192.0.2.0/31"));
		assertThat(p.isTrusted(InetAddress.getByName("10.127.255.255"))).isTrue();
		assertThat(p.isTrusted(InetAddress.getByName("10.128.0.0"))).isFalse();
		assertThat(p.isTrusted(InetAddress.getByName("192.0.2.1"))).isTrue();
		assertThat(p.isTrusted(InetAddress.getByName("192.0.2.2"))).isFalse();
		assertThat(TrustedProxies.of(List.of("0.0.0.0/0")).isTrusted(InetAddress.getByName("203.0.113.1"))).isTrue();
		assertThat(TrustedProxies.of(List.of("::/0")).isTrusted(InetAddress.getByName("203.0.113.1"))).isFalse();
	}

	@Test
	void whenPeerAddressHasAScope_thenItStillMatches() throws Exception {
		TrustedProxies p = TrustedProxies.of(List.of("fe80::/10"));
		byte[] linkLocal = InetAddress.getByName("fe80::1").getAddress();
		assertThat(p.isTrusted(Inet6Address.getByAddress(null, linkLocal, 7))).isTrue();
	}

	@Test
	void whenForwardedForHopsCarryPortsOrBrackets_thenTheAddressIsUsed() {
		TrustedProxies p = TrustedProxies.of(List.of("10.0.0.0/8"));
		assertThat(p.clientAddress(from("10.0.0.2", "203.0.113.9:4711")).getHostAddress()).isEqualTo("203.0.113.9");
		assertThat(p.clientAddress(from("10.0.0.2", "[2001:db8::7]:4711")).getHostAddress())
			.isEqualTo("2001:db8:0:0:0:0:0:7");
	}

	@Test
	void whenAHopOnlyLooksNumeric_thenItIsGarbageNotAHostName() {
		// 999.1.1.1 is no IP literal: InetAddress.getByName would send it to DNS
		TrustedProxies p = TrustedProxies.of(List.of("10.0.0.0/8"));
		assertThat(p.clientAddress(from("10.0.0.2", "999.1.1.1, 10.0.0.3")).getHostAddress()).isEqualTo("10.0.0.3");
		assertThat(p.clientAddress(from("10.0.0.2", "1.2.3")).getHostAddress()).isEqualTo("10.0.0.2");
	}

	@Test
	void whenEntryIsNotALiteralOrItsPrefixIsBad_thenTheErrorNamesIt() {
		for (String bad : List.of("999.1.1.1", "999.1.1.1/8", "10.0.0.0/-1", "10.0.0.0/8/9", "10.0.0.0/x", "fd00::/129",
				"fd00::/-1", "::ffff:10.0.0.0/104", "10.0.0.0/")) {
			assertThatThrownBy(() -> TrustedProxies.of(List.of(bad))).as(bad)
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("'" + bad + "'");
		}
	}

}

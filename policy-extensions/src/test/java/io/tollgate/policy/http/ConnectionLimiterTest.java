package io.tollgate.policy.http;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.tollgate.policy.net.TrustedProxies;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionLimiterTest {

	@Test
	void whenCapReached_thenRefusedUntilAConnectionCloses() throws Exception {
		ConnectionLimiter limiter = new ConnectionLimiter(2, TrustedProxies.none());
		InetAddress key = limiter.keyOf(InetAddress.getByName("192.0.2.1"));
		assertThat(limiter.tryAcquire(key)).isTrue();
		assertThat(limiter.tryAcquire(key)).isTrue();
		assertThat(limiter.tryAcquire(key)).isFalse();
		assertThat(limiter.tryAcquire(limiter.keyOf(InetAddress.getByName("192.0.2.2")))).isTrue();
		limiter.release(key);
		assertThat(limiter.tryAcquire(key)).isTrue();
		limiter.release(key);
		limiter.release(key);
		assertThat(limiter.openConnections(InetAddress.getByName("192.0.2.1"))).isZero();
		assertThat(limiter.clients()).isEqualTo(1);
	}

	@Test
	void whenIpv6_thenTheSlash64IsOneClient() throws Exception {
		ConnectionLimiter limiter = new ConnectionLimiter(1, TrustedProxies.none());
		assertThat(limiter.tryAcquire(limiter.keyOf(InetAddress.getByName("2001:db8:1:2::1")))).isTrue();
		assertThat(limiter.tryAcquire(limiter.keyOf(InetAddress.getByName("2001:db8:1:2:ffff::9")))).isFalse();
		assertThat(limiter.tryAcquire(limiter.keyOf(InetAddress.getByName("2001:db8:1:3::1")))).isTrue();
	}

	@Test
	void whenTrustedProxyOrCapOff_thenNotCounted() throws Exception {
		ConnectionLimiter limiter = new ConnectionLimiter(1, TrustedProxies.of(List.of("10.0.0.0/8")));
		assertThat(limiter.keyOf(InetAddress.getByName("10.1.2.3"))).isNull();
		assertThat(limiter.keyOf(InetAddress.getByName("192.0.2.1"))).isNotNull();
		assertThat(new ConnectionLimiter(0, TrustedProxies.none()).keyOf(InetAddress.getByName("192.0.2.1"))).isNull();
	}

}

package io.tollgate.testsupport.net;

import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.redis.Resp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TcpProxyTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@Test
	void whenNoFault_thenTrafficPassesThrough() throws Exception {
		try (TcpProxy proxy = TcpProxy.to(redis.port())) {
			assertThat(proxy.port()).isNotEqualTo(redis.port());
			assertThat(Resp.command("127.0.0.1", proxy.port(), "SET", "via-proxy", "1")).isEqualTo("OK");
			assertThat(redis.command(redis.port(), "GET", "via-proxy")).isEqualTo("1");
		}
	}

	@Test
	void whenDelaySet_thenRoundTripTakesAtLeastTheDelayBothWays() throws Exception {
		try (TcpProxy proxy = TcpProxy.to(redis.port())) {
			long fast = timePingMillis(proxy);
			proxy.setDelay(Duration.ofMillis(150));
			long slow = timePingMillis(proxy);
			proxy.setDelay(Duration.ZERO);
			long fastAgain = timePingMillis(proxy);

			assertThat(fast).isLessThan(150);
			assertThat(slow).isGreaterThanOrEqualTo(300);
			assertThat(fastAgain).isLessThan(150);
		}
	}

	@Test
	void whenBlackholed_thenConnectionsAreAcceptedButNothingAnswersUntilLifted() throws Exception {
		try (TcpProxy proxy = TcpProxy.to(redis.port()); Socket socket = new Socket()) {
			proxy.blackhole(true);
			socket.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 1000);
			socket.setSoTimeout(500);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
			assertThat(Resp.ping("127.0.0.1", proxy.port(), null)).isFalse();

			proxy.blackhole(false);

			socket.setSoTimeout(2000);
			byte[] reply = new byte[7];
			assertThat(in.readNBytes(reply, 0, 7)).isEqualTo(7);
			assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
			assertThat(Resp.ping("127.0.0.1", proxy.port(), null)).isTrue();
		}
	}

	@Test
	void whenConnectionsDropped_thenOpenClientSeesEndOfStreamAndNewConnectionsWork() throws Exception {
		try (TcpProxy proxy = TcpProxy.to(redis.port()); Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 1000);
			socket.setSoTimeout(2000);
			socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			assertThat(socket.getInputStream().readNBytes(7)).hasSize(7);
			assertThat(proxy.openConnections()).isEqualTo(1);

			CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
				try {
					return socket.getInputStream().read();
				}
				catch (java.io.IOException e) {
					return -2;
				}
			});
			proxy.dropConnections();

			assertThat(read.get(2, TimeUnit.SECONDS)).isIn(-1, -2);
			assertThat(Resp.ping("127.0.0.1", proxy.port(), null)).isTrue();
		}
	}

	@Test
	void whenClosed_thenPortRefuses() {
		TcpProxy proxy = TcpProxy.to(redis.port());
		int port = proxy.port();
		proxy.close();
		assertThat(Resp.refuses("127.0.0.1", port)).isTrue();
	}

	private static long timePingMillis(TcpProxy proxy) throws Exception {
		long start = System.nanoTime();
		assertThat(Resp.command("127.0.0.1", proxy.port(), null, 5000, "PING")).isEqualTo("PONG");
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
	}

}

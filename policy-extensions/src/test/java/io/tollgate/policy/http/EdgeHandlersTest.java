package io.tollgate.policy.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;

import io.tollgate.policy.net.TrustedProxies;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Netty handlers of {@link EdgeNettyCustomizer} on an embedded channel with a virtual
 * clock: when the header timeout fires and when it must not.
 */
class EdgeHandlersTest {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final Refusals refusals = new Refusals(registry, Duration.ofMinutes(1));

	private EmbeddedChannel channel() {
		EmbeddedChannel channel = new EmbeddedChannel();
		channel.pipeline().addLast(NettyPipeline.HttpCodec, new HttpServerCodec(4096, 1024, 8192));
		new EdgeNettyCustomizer(new ConnectionLimiter(0, TrustedProxies.none()), Duration.ofSeconds(10), refusals)
			.install(channel.pipeline());
		return channel;
	}

	@Test
	void whenHeadIncompleteAfterTheTimeout_then408AndClosed() {
		EmbeddedChannel channel = channel();
		send(channel, "GET /a HTTP/1.1\r\nHost: x\r\n");
		advance(channel, 9_900);
		assertThat(written(channel)).isEmpty();
		send(channel, "X-More: still coming\r\n");
		advance(channel, 200);
		assertThat(written(channel)).startsWith("HTTP/1.1 408 Request Timeout").contains("application/problem+json");
		assertThat(channel.isOpen()).isFalse();
		assertThat(registry.get(Refusals.METRIC).tag("reason", "header-timeout").counter().count()).isEqualTo(1);
	}

	@Test
	void whenHeadCompleteInTime_thenPassedOnAndNoTimeoutLater() {
		EmbeddedChannel channel = channel();
		send(channel, "GET /a HTTP/1.1\r\n");
		advance(channel, 5_000);
		send(channel, "Host: x\r\n\r\n");
		assertThat((Object) channel.readInbound()).isInstanceOf(HttpRequest.class);
		advance(channel, 60_000);
		assertThat(written(channel)).isEmpty();
		assertThat(channel.isOpen()).isTrue();
		release(channel);
	}

	@Test
	void whenIdleBetweenRequests_thenLeftToTheIdleTimeout() {
		EmbeddedChannel channel = channel();
		send(channel, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
		respond(channel);
		assertThat(written(channel)).startsWith("HTTP/1.1 200");
		advance(channel, 60_000);
		assertThat(written(channel)).isEmpty();
		assertThat(channel.isOpen()).isTrue();
		release(channel);
	}

	@Test
	void whenNextHeadStallsWhileAResponseIsPending_then408FollowsThatResponse() {
		EmbeddedChannel channel = channel();
		send(channel, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
		send(channel, "GET /b HTTP/1.1\r\n");
		advance(channel, 11_000);
		assertThat(written(channel)).as("never interleaved with a response in progress").isEmpty();
		respond(channel);
		String out = written(channel);
		assertThat(out).startsWith("HTTP/1.1 200");
		assertThat(out.indexOf("HTTP/1.1 408")).isPositive();
		assertThat(channel.isOpen()).isFalse();
		release(channel);
	}

	@Test
	void whenPartialHeadArrivesWithThePreviousRequest_thenTheNextByteStartsTheClock() {
		EmbeddedChannel channel = channel();
		send(channel, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\n");
		respond(channel);
		assertThat(written(channel)).startsWith("HTTP/1.1 200");
		send(channel, "X-Drip: 1\r\n");
		advance(channel, 9_000);
		assertThat(written(channel)).isEmpty();
		advance(channel, 1_100);
		assertThat(written(channel)).startsWith("HTTP/1.1 408");
		release(channel);
	}

	@Test
	void whenConnectionUpgraded_thenItsTrafficIsNeverTimedAsAHead() {
		EmbeddedChannel channel = channel();
		send(channel, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
		channel
			.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS));
		written(channel);
		// what Netty's WebSocket handshaker does: the HTTP codec gives way to frame
		// codecs
		channel.pipeline().replace(NettyPipeline.HttpCodec, "ws", new ChannelInboundHandlerAdapter());
		send(channel, "\u0081\u0005hello");
		advance(channel, 60_000);
		assertThat(written(channel)).isEmpty();
		assertThat(channel.isOpen()).isTrue();
		release(channel);
	}

	@Test
	void whenInterimResponseWritten_thenTheRequestStillCountsAsBeingAnswered() {
		EmbeddedChannel channel = channel();
		send(channel, "POST /a HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n");
		channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
		send(channel, "a");
		send(channel, "GET /b HTTP/1.1\r\n");
		advance(channel, 11_000);
		assertThat(written(channel)).startsWith("HTTP/1.1 100").doesNotContain("408");
		respond(channel);
		assertThat(written(channel)).startsWith("HTTP/1.1 200").contains("HTTP/1.1 408");
		release(channel);
	}

	@Test
	void whenHeadTooLargeOrVersionUnknown_thenProblemAndNothingPassedOn() {
		EmbeddedChannel big = channel();
		send(big, "GET /a HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n");
		assertThat(written(big)).startsWith("HTTP/1.1 431").contains("\"status\":431").doesNotContain("X-Big");
		assertThat((Object) big.readInbound()).isNull();

		EmbeddedChannel version = channel();
		send(version, "GET /a HTTP/9.9\r\nHost: x\r\n\r\n");
		assertThat(written(version)).startsWith("HTTP/1.1 505");
		assertThat((Object) version.readInbound()).isNull();
		assertThat(registry.get(Refusals.METRIC).tag("reason", "headers-too-large").counter().count()).isEqualTo(1);
		assertThat(registry.get(Refusals.METRIC).tag("reason", "http-version").counter().count()).isEqualTo(1);
	}

	private static void send(EmbeddedChannel channel, String text) {
		channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
	}

	private static void respond(EmbeddedChannel channel) {
		DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
		response.headers().setInt("content-length", 0);
		channel.writeOutbound(response);
	}

	private static void advance(EmbeddedChannel channel, long millis) {
		channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
		channel.runScheduledPendingTasks();
		channel.runPendingTasks();
	}

	private static String written(EmbeddedChannel channel) {
		StringBuilder sb = new StringBuilder();
		for (Object msg; (msg = channel.readOutbound()) != null;) {
			if (msg instanceof ByteBuf buf) {
				sb.append(buf.toString(StandardCharsets.ISO_8859_1));
			}
			ReferenceCountUtil.release(msg);
		}
		return sb.toString();
	}

	private static void release(EmbeddedChannel channel) {
		for (Object msg; (msg = channel.readInbound()) != null;) {
			ReferenceCountUtil.release(msg);
		}
		channel.finishAndReleaseAll();
	}

}

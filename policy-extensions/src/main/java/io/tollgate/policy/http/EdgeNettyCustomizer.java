package io.tollgate.policy.http;

import java.time.Duration;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Adds Tollgate's connection-level guards to every HTTP/1.1 connection the server
 * accepts: the per-client connection cap, the request-header timeout and the handling of
 * unparseable requests. They run in Netty, before Reactor Netty creates a request, so
 * nothing above them (Spring Security, routing, filters) sees these connections.
 */
public final class EdgeNettyCustomizer implements NettyServerCustomizer {

	private final ConnectionLimiter limiter;

	private final Duration headerTimeout;

	private final Refusals refusals;

	public EdgeNettyCustomizer(ConnectionLimiter limiter, Duration headerTimeout, Refusals refusals) {
		this.limiter = limiter;
		this.headerTimeout = headerTimeout;
		this.refusals = refusals;
	}

	@Override
	public HttpServer apply(HttpServer server) {
		return server.doOnChannelInit((observer, channel, remoteAddress) -> install(channel.pipeline()));
	}

	void install(ChannelPipeline pipeline) {
		boolean http1 = pipeline.get(NettyPipeline.HttpCodec) instanceof HttpServerCodec;
		if (limiter.max() > 0) {
			ConnectionLimitHandler cap = new ConnectionLimitHandler(limiter, refusals, http1);
			if (pipeline.get(NettyPipeline.SslHandler) != null) {
				pipeline.addAfter(NettyPipeline.SslHandler, ConnectionLimitHandler.NAME, cap);
			}
			else {
				pipeline.addFirst(ConnectionLimitHandler.NAME, cap);
			}
		}
		if (http1) {
			// HTTP/2 has its own framing and limits; these guards are for HTTP/1.x
			// parsing
			pipeline.addAfter(NettyPipeline.HttpCodec, DecodingFailureHandler.NAME,
					new DecodingFailureHandler(refusals));
			RequestHeadTimeout.install(pipeline, NettyPipeline.HttpCodec, headerTimeout, refusals);
		}
	}

}

package io.tollgate.policy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import reactor.netty.channel.ChannelOperations;

/**
 * Behind the HTTP codec: every message the codec could not parse is counted and logged
 * once per kind and interval, without its content. A request head that failed, or that
 * names a version other than HTTP/1.0 or HTTP/1.1, on a connection with no request in
 * progress, is answered here with a problem body (400, 414, 431 or 505) and the
 * connection closed. Everything else (a malformed body of a request already being served)
 * goes on to Reactor Netty, which answers or resets; its own per-request log line, which
 * lists header names, is switched off in {@code application.yml}.
 */
final class DecodingFailureHandler extends ChannelInboundHandlerAdapter {

	static final String NAME = "tollgate.decodingFailures";

	private final Refusals refusals;

	/**
	 * Answered here: whatever the codec still produces for this connection is dropped.
	 */
	private boolean refused;

	DecodingFailureHandler(Refusals refusals) {
		this.refusals = refusals;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
		if (refused) {
			ReferenceCountUtil.release(msg);
			return;
		}
		if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()
				&& !supported(request.protocolVersion()) && ChannelOperations.get(ctx.channel()) == null) {
			// Netty accepts any HTTP/x.y; answered here so the status line says HTTP/1.1
			refusals.record(Refusal.HTTP_VERSION, ctx.channel().remoteAddress());
			refused = true;
			ReferenceCountUtil.release(msg);
			EdgeResponses.refuse(ctx, Refusal.HTTP_VERSION);
			return;
		}
		if (msg instanceof DecoderResultProvider provider && provider.decoderResult().isFailure()) {
			Refusal refusal = classify(msg, provider.decoderResult());
			refusals.record(refusal, ctx.channel().remoteAddress());
			if (msg instanceof HttpRequest && ChannelOperations.get(ctx.channel()) == null) {
				refused = true;
				ReferenceCountUtil.release(msg);
				EdgeResponses.refuse(ctx, refusal);
				return;
			}
		}
		super.channelRead(ctx, msg);
	}

	static boolean supported(HttpVersion version) {
		return version.majorVersion() == 1 && (version.minorVersion() == 0 || version.minorVersion() == 1);
	}

	static Refusal classify(Object msg, DecoderResult result) {
		Throwable cause = result.cause();
		if (cause instanceof TooLongHttpHeaderException) {
			return Refusal.HEADERS_TOO_LARGE;
		}
		if (cause instanceof TooLongHttpLineException) {
			return Refusal.REQUEST_LINE_TOO_LONG;
		}
		return msg instanceof HttpRequest ? Refusal.MALFORMED_REQUEST : Refusal.MALFORMED_BODY;
	}

}

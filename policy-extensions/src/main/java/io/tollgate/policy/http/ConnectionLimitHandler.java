package io.tollgate.policy.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * First in the pipeline: counts the connection against its client's cap. Beyond the cap
 * the client's input is never parsed; it gets a 429 problem (when the connection speaks
 * HTTP/1.1 in clear or over TLS) and the connection is closed.
 */
final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {

	static final String NAME = "tollgate.connectionLimit";

	private final ConnectionLimiter limiter;

	private final Refusals refusals;

	private final boolean answer;

	private InetAddress counted;

	private boolean refused;

	ConnectionLimitHandler(ConnectionLimiter limiter, Refusals refusals, boolean answer) {
		this.limiter = limiter;
		this.refusals = refusals;
		this.answer = answer;
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) throws Exception {
		InetAddress peer = ctx.channel().remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
		InetAddress key = limiter.keyOf(peer);
		if (key != null) {
			if (limiter.tryAcquire(key)) {
				counted = key;
			}
			else {
				refused = true;
				refusals.record(Refusal.CONNECTION_LIMIT, peer);
			}
		}
		super.channelActive(ctx);
		if (refused) {
			if (answer) {
				EdgeResponses
					.closeAfter(ctx.writeAndFlush(EdgeResponses.rawProblem(ctx.alloc(), Refusal.CONNECTION_LIMIT)));
			}
			else {
				ctx.close();
			}
		}
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (refused) {
			ReferenceCountUtil.release(msg);
			return;
		}
		ctx.fireChannelRead(msg);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		if (counted != null) {
			limiter.release(counted);
			counted = null;
		}
		super.channelInactive(ctx);
	}

}

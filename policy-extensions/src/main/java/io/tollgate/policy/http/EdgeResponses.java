package io.tollgate.policy.http;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

import io.tollgate.policy.problem.ProblemResponses;

/**
 * Problem responses written by Netty handlers, before any request reaches WebFlux, and
 * the close that follows them.
 */
final class EdgeResponses {

	/**
	 * How long a refused connection is drained after the response: closing with unread
	 * input would reset the connection and the client might never read the answer.
	 */
	static final long LINGER_MILLIS = 2000;

	private static final String DISCARD = "tollgate.discardInbound";

	private EdgeResponses() {
	}

	/**
	 * A complete response for the HTTP codec: problem body, {@code Connection: close}.
	 */
	static FullHttpResponse problem(Refusal refusal) {
		byte[] body = body(refusal);
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
				HttpResponseStatus.valueOf(refusal.status().value()), Unpooled.wrappedBuffer(body));
		response.headers()
			.set(HttpHeaderNames.CONTENT_TYPE, ProblemResponses.PROBLEM_JSON.toString())
			.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
			.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
		return response;
	}

	/** The same response as raw HTTP/1.1 bytes, for handlers in front of the codec. */
	static ByteBuf rawProblem(ByteBufAllocator alloc, Refusal refusal) {
		byte[] body = body(refusal);
		String head = "HTTP/1.1 " + refusal.status().value() + " " + refusal.status().getReasonPhrase() + "\r\n"
				+ "content-type: " + ProblemResponses.PROBLEM_JSON + "\r\n" + "content-length: " + body.length + "\r\n"
				+ "connection: close\r\n\r\n";
		ByteBuf buf = alloc.buffer(head.length() + body.length);
		buf.writeCharSequence(head, StandardCharsets.US_ASCII);
		buf.writeBytes(body);
		return buf;
	}

	private static byte[] body(Refusal refusal) {
		return ProblemResponses.json(refusal.status(), refusal.status().getReasonPhrase(), refusal.detail(), null, null)
			.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Once {@code written} is flushed: half-closes the connection, discards whatever the
	 * client still sends, and closes at the client's end of input or after
	 * {@link #LINGER_MILLIS}.
	 */
	static void closeAfter(ChannelFuture written) {
		Channel channel = written.channel();
		written.addListener(f -> {
			if (!f.isSuccess() || !channel.isActive() || !(channel instanceof DuplexChannel duplex)) {
				channel.close();
				return;
			}
			if (channel.pipeline().get(DISCARD) == null) {
				channel.pipeline().addFirst(DISCARD, new DiscardInbound());
			}
			channel.config().setAutoRead(true);
			duplex.shutdownOutput();
			channel.eventLoop().schedule(() -> {
				channel.close();
			}, LINGER_MILLIS, TimeUnit.MILLISECONDS);
		});
	}

	/** Writes a problem through the codec (from a handler behind it) and closes. */
	static void refuse(ChannelHandlerContext ctx, Refusal refusal) {
		closeAfter(ctx.writeAndFlush(problem(refusal)));
	}

	private static final class DiscardInbound extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ReferenceCountUtil.release(msg);
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext ctx) {
			// swallowed: nothing behind this handler may act on the discarded input
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			// a reset while draining a refused connection is expected, not worth a log
			// line
			ctx.close();
		}

	}

}

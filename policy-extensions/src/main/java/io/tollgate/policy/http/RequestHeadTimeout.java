package io.tollgate.policy.http;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Cuts off a connection whose request header section takes longer than the timeout from
 * its first byte (slow-header "slowloris" clients): 408 problem, then close. An idle
 * keep-alive connection, which has sent no byte of its next request, is left to
 * {@code server.netty.idle-timeout}.
 *
 * <p>
 * Two handlers share one state per connection: {@link Bytes} in front of the HTTP codec
 * sees when bytes arrive, {@link Messages} behind it sees when a request head was parsed,
 * when its body ended and when its response was written. All run on the connection's
 * event loop.
 */
final class RequestHeadTimeout {

	static final String BYTES = "tollgate.requestHeadTimeout.bytes";

	static final String MESSAGES = "tollgate.requestHeadTimeout.messages";

	private final long timeoutNanos;

	private final Refusals refusals;

	/** True from the end of a request's body until the next request head is parsed. */
	private boolean betweenRequests = true;

	/** Requests whose head arrived and whose response is not yet complete. */
	private int responding;

	private boolean expired;

	private boolean refused;

	/** Switched to another protocol (WebSocket, h2c): no more HTTP/1.1 heads to time. */
	private boolean upgraded;

	private ScheduledFuture<?> timer;

	/** When the first byte of a head not yet complete arrived (0: none pending). */
	private long headStartNanos;

	private ChannelHandlerContext messages;

	private RequestHeadTimeout(Duration timeout, Refusals refusals) {
		this.timeoutNanos = timeout.toNanos();
		this.refusals = refusals;
	}

	static void install(ChannelPipeline pipeline, String codecName, Duration timeout, Refusals refusals) {
		RequestHeadTimeout state = new RequestHeadTimeout(timeout, refusals);
		pipeline.addBefore(codecName, BYTES, state.new Bytes());
		pipeline.addAfter(codecName, MESSAGES, state.new Messages());
	}

	private void bytesArrived() {
		if (betweenRequests && timer == null && headStartNanos == 0 && !expired && !upgraded) {
			headStartNanos = System.nanoTime() | 1;
		}
	}

	/**
	 * At the end of a read: a head begun but not complete gets its timer now. Most heads
	 * arrive whole in one read, so most requests schedule and cancel no timer at all.
	 */
	private void readComplete(ChannelHandlerContext ctx) {
		if (headStartNanos != 0 && timer == null && !expired && !upgraded) {
			long left = timeoutNanos - (System.nanoTime() - headStartNanos);
			timer = ctx.executor().schedule(this::expire, Math.max(0, left), TimeUnit.NANOSECONDS);
		}
	}

	private void headArrived() {
		headStartNanos = 0;
		cancel();
		betweenRequests = false;
		responding++;
	}

	private void expire() {
		timer = null;
		headStartNanos = 0;
		if (messages == null || !messages.channel().isActive()) {
			return;
		}
		expired = true;
		if (responding == 0) {
			refuse();
		}
		// else: a response is still being written; the 408 follows it (responseDone)
	}

	private void responseDone() {
		if (responding > 0) {
			responding--;
		}
		if (expired && responding == 0 && messages.channel().isActive()) {
			refuse();
		}
	}

	private void refuse() {
		expired = false;
		refused = true;
		refusals.record(Refusal.HEADER_TIMEOUT, messages.channel().remoteAddress());
		EdgeResponses.refuse(messages, Refusal.HEADER_TIMEOUT);
	}

	private void cancel() {
		if (timer != null) {
			timer.cancel(false);
			timer = null;
		}
	}

	/** In front of the codec: the first byte of a request starts the clock. */
	final class Bytes extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
			if (msg instanceof ByteBuf buf && buf.isReadable()) {
				bytesArrived();
			}
			super.channelRead(ctx, msg);
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
			readComplete(ctx);
			super.channelReadComplete(ctx);
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) throws Exception {
			cancel();
			super.channelInactive(ctx);
		}

	}

	/** Behind the codec: a parsed head stops the clock. */
	final class Messages extends ChannelDuplexHandler {

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			messages = ctx;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
			if (refused) {
				// the 408 is on its way: a head completed now is not served
				ReferenceCountUtil.release(msg);
				return;
			}
			if (msg instanceof HttpRequest) {
				headArrived();
			}
			if (msg instanceof LastHttpContent) {
				betweenRequests = true;
			}
			super.channelRead(ctx, msg);
		}

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
			boolean informational = msg instanceof HttpResponse response
					&& response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
			if (informational && ((HttpResponse) msg).status().code() == 101) {
				upgraded = true;
				cancel();
			}
			// a 1xx (100 Continue) is not the end of the response, even as a full message
			boolean last = msg instanceof LastHttpContent && !informational;
			super.write(ctx, msg, promise);
			if (last && !refused) {
				responseDone();
			}
		}

	}

}

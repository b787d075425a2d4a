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
 * The two timeouts of an HTTP/1.x connection. The header timeout cuts off a connection
 * whose request header section takes longer than that from its first byte (slow-header
 * "slowloris" clients): 408 problem, then close. The idle timeout closes a connection
 * that has no request in flight and has sent no byte of a next one for that long (a fresh
 * connection included). Reactor Netty's own idle timeout adds and removes a handler and a
 * timer on every request; here one timer per connection is re-armed only when it fires.
 *
 * <p>
 * Two handlers share one state per connection: {@link Bytes} in front of the HTTP codec
 * sees when bytes arrive, {@link Messages} behind it sees when a request head was parsed,
 * when its body ended and when its response was written. All run on the connection's
 * event loop.
 */
final class ConnectionTimeouts {

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

	/** 0: no idle timeout. */
	private final long idleNanos;

	/**
	 * When the connection last became idle (no request in flight, no byte of a next one);
	 * 0 while busy.
	 */
	private long idleSince;

	/**
	 * One timer per connection for idleness, re-armed only when it fires: a request costs
	 * a clock read, not a timer.
	 */
	private ScheduledFuture<?> idleTimer;

	/** When the first byte of a head not yet complete arrived (0: none pending). */
	private long headStartNanos;

	private ChannelHandlerContext messages;

	private ConnectionTimeouts(Duration timeout, Duration idleTimeout, Refusals refusals) {
		this.timeoutNanos = timeout.toNanos();
		this.idleNanos = idleTimeout == null ? 0 : idleTimeout.toNanos();
		this.refusals = refusals;
	}

	static void install(ChannelPipeline pipeline, String codecName, Duration timeout, Duration idleTimeout,
			Refusals refusals) {
		ConnectionTimeouts state = new ConnectionTimeouts(timeout, idleTimeout, refusals);
		pipeline.addBefore(codecName, BYTES, state.new Bytes());
		pipeline.addAfter(codecName, MESSAGES, state.new Messages());
	}

	private void becameIdle(ChannelHandlerContext ctx) {
		if (this.idleNanos == 0) {
			return;
		}
		this.idleSince = System.nanoTime() | 1;
		if (this.idleTimer == null) {
			this.idleTimer = ctx.executor().schedule(() -> checkIdle(ctx), this.idleNanos, TimeUnit.NANOSECONDS);
		}
	}

	private void checkIdle(ChannelHandlerContext ctx) {
		this.idleTimer = null;
		if (this.idleSince == 0 || !ctx.channel().isActive()) {
			return; // busy: re-armed when the connection is idle again
		}
		long idleFor = System.nanoTime() - this.idleSince;
		if (idleFor >= this.idleNanos) {
			ctx.close();
		}
		else {
			this.idleTimer = ctx.executor()
				.schedule(() -> checkIdle(ctx), this.idleNanos - idleFor, TimeUnit.NANOSECONDS);
		}
	}

	private void cancelIdle() {
		if (this.idleTimer != null) {
			this.idleTimer.cancel(false);
			this.idleTimer = null;
		}
	}

	private void bytesArrived() {
		this.idleSince = 0;
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
		if (responding == 0 && betweenRequests && headStartNanos == 0 && !upgraded) {
			becameIdle(messages);
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
			cancelIdle();
			super.channelInactive(ctx);
		}

	}

	/** Behind the codec: a parsed head stops the clock. */
	final class Messages extends ChannelDuplexHandler {

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			messages = ctx;
			if (ctx.channel().isActive()) {
				// a connection that never sends a byte is idle from the start
				becameIdle(ctx);
			}
		}

		@Override
		public void channelActive(ChannelHandlerContext ctx) throws Exception {
			becameIdle(ctx);
			super.channelActive(ctx);
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
				cancelIdle();
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

package io.tollgate.gateway.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import reactor.netty.http.HttpResources;

/**
 * {@code tollgate.eventloop.pending.tasks}: tasks queued on each of Reactor Netty's event
 * loops (shared by the server and the upstream client). A queue that grows means loops
 * that are blocked or saturated. Read when scraped, nothing per request (Reactor Netty's
 * own event-loop gauge needs its per-request server metrics switched on).
 */
final class EventLoopMetrics implements MeterBinder {

	static final String METER = "tollgate.eventloop.pending.tasks";

	@Override
	public void bindTo(MeterRegistry registry) {
		EventLoopGroup loops = HttpResources.get().onServer(true);
		int i = 0;
		for (EventExecutor executor : loops) {
			if (executor instanceof SingleThreadEventExecutor loop) {
				Gauge.builder(METER, loop, SingleThreadEventExecutor::pendingTasks)
					.description("Tasks waiting on a Reactor Netty event loop")
					.tag("loop", String.valueOf(i++))
					.register(registry);
			}
		}
	}

}

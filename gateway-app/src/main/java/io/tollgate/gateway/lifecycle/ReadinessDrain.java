package io.tollgate.gateway.lifecycle;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * First step of a graceful stop: readiness goes DOWN (the management port answers 503 on
 * {@code /actuator/health/readiness}) while the data port keeps accepting and serving,
 * for {@code tollgate.lifecycle.drain-delay}, so the load balancer takes this replica out
 * of rotation before any connection is refused. Then Spring Boot's graceful shutdown of
 * the web server (the next lifecycle phase) stops accepting and waits for in-flight
 * requests. Each phase is bounded by {@code spring.lifecycle.timeout-per-shutdown-phase}.
 */
public final class ReadinessDrain implements SmartLifecycle {

	/** Stopped just before the web server's graceful shutdown phase. */
	static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 512;

	private static final Logger log = LoggerFactory.getLogger(ReadinessDrain.class);

	private final ApplicationContext context;

	private final Duration drainDelay;

	private volatile boolean running;

	private volatile boolean refused;

	public ReadinessDrain(ApplicationContext context, Duration drainDelay) {
		this.context = context;
		this.drainDelay = drainDelay;
	}

	@Override
	public void start() {
		// a context stopped and started again serves again; at first start Spring Boot
		// accepts traffic itself once the application is ready
		if (refused) {
			refused = false;
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
		}
		running = true;
	}

	/** Stop without waiting (a direct {@code stop()} call, not a context close). */
	@Override
	public void stop() {
		refuseTraffic();
		running = false;
	}

	@Override
	public void stop(Runnable callback) {
		refuseTraffic();
		if (drainDelay.isZero()) {
			running = false;
			callback.run();
			return;
		}
		log.info("Stopping: readiness DOWN, still serving for {} ms so the load balancer drains this replica",
				drainDelay.toMillis());
		// the shutdown thread waits on the callback, bounded by
		// timeout-per-shutdown-phase
		CompletableFuture.delayedExecutor(drainDelay.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
			running = false;
			log.info("Drain delay over: the server stops accepting and completes in-flight requests");
			callback.run();
		});
	}

	private void refuseTraffic() {
		// Spring Boot publishes this itself when the context closes; publishing it again
		// is
		// harmless and covers a context that is only stopped
		AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}

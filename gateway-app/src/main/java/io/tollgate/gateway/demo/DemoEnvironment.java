package io.tollgate.gateway.demo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * Runs the demo's upstream and development token issuer ({@link DemoServer}) inside the
 * gateway, in the {@code demo} profile, unless {@code tollgate.demo.embedded=false} (then
 * the routes point at a {@link DemoEnvironmentApplication} running as its own process on
 * {@code tollgate.demo.port}, shared by several replicas).
 */
@Component
@Profile("demo")
@ConditionalOnProperty(name = "tollgate.demo.embedded", havingValue = "true", matchIfMissing = true)
public class DemoEnvironment implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(DemoEnvironment.class);

	private final DemoServer server;

	public DemoEnvironment(@Value("${tollgate.demo.port:9000}") int port) {
		this.server = new DemoServer(port);
	}

	@Override
	public void start() {
		server.start();
		log.info(
				"Demo upstream and token issuer on {} — mint a token with: curl -s '{}/token?sub=alice&scope=orders:read'",
				server.issuer(), server.issuer());
	}

	@Override
	public void stop() {
		server.stop();
	}

	@Override
	public boolean isRunning() {
		return server.isRunning();
	}

	/**
	 * Started first and stopped last, so the gateway's in-flight requests still reach it.
	 */
	@Override
	public int getPhase() {
		return Integer.MIN_VALUE;
	}

}

package io.tollgate.policy.http;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Works around a Reactor Netty 1.3.6 server bug (reactor/reactor-netty#4361, #4347): a
 * keep-alive request that arrives while the previous request's operations are still
 * terminating is queued, and the connection may never read it. The client then waits
 * until its own timeout, with the gateway idle. Seen here after an answer written from
 * another thread (a Redis reply) followed by one written at once (a 400): the third
 * request on the connection hung. Reactor Netty's own switch
 * {@code reactor.netty.http.server.lastFlushWhenNoRead=true} dispatches such a request at
 * once instead.
 *
 * <p>
 * The switch is a JVM system property read once, when Reactor Netty's HTTP server handler
 * is first loaded, so it is set here, before the web server starts. A value set on the
 * command line ({@code -Dreactor.netty.http.server.lastFlushWhenNoRead=false}) is kept.
 * Remove this class once a Reactor Netty release with the fix is in the Boot BOM.
 */
public final class KeepAliveReadFix implements EnvironmentPostProcessor, Ordered {

	public static final String PROPERTY = "reactor.netty.http.server.lastFlushWhenNoRead";

	/** Sets the switch unless it is set already; whether it is on now. */
	public static boolean apply() {
		if (System.getProperty(PROPERTY) == null) {
			System.setProperty(PROPERTY, "true");
		}
		return Boolean.parseBoolean(System.getProperty(PROPERTY));
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		apply();
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}

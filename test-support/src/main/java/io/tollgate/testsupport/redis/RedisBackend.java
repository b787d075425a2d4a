package io.tollgate.testsupport.redis;

import java.util.List;

/**
 * One source of Redis behind {@link RedisExtension}: own processes, a container, or an
 * external server.
 */
interface RedisBackend {

	/** First start; picks ports. */
	void startFirst();

	/** Kills the server(s) and waits until the port(s) refuse connections. */
	void stop();

	/** Restarts the server(s) on the same port(s) and waits until they serve. */
	void restart();

	/** Stops for good and removes temp files. */
	void close();

	/** Host of every node ("127.0.0.1"); one entry for a standalone server. */
	String host();

	/** Ports of every node; one entry for a standalone server. */
	List<Integer> ports();

	/** Password for AUTH, or null. */
	default String password() {
		return null;
	}

	/** The URL clients should use for a standalone server. */
	default String url() {
		return "redis://" + host() + ":" + ports().get(0);
	}

	/** Human description used in messages. */
	String describe();

}

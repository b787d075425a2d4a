package io.tollgate.testsupport.redis;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Redis the harness did not start (env REDIS_URL / REDIS_CLUSTER_NODES): it can be
 * flushed, not stopped.
 */
final class ExternalRedis implements RedisBackend {

	private final String source;

	private final String url;

	private final String host;

	private final List<Integer> ports;

	private final String password;

	private ExternalRedis(String source, String url, String host, List<Integer> ports, String password) {
		this.source = source;
		this.url = url;
		this.host = host;
		this.ports = ports;
		this.password = password;
	}

	/** From a {@code redis://[:password@]host[:port]} URL. */
	static ExternalRedis fromUrl(String url) {
		URI uri = URI.create(url);
		String password = null;
		if (uri.getUserInfo() != null) {
			String info = uri.getUserInfo();
			password = info.contains(":") ? info.substring(info.indexOf(':') + 1) : info;
		}
		return new ExternalRedis("REDIS_URL", url, uri.getHost(), List.of(uri.getPort() > 0 ? uri.getPort() : 6379),
				password);
	}

	/** From a comma separated {@code host:port} list; all nodes must share one host. */
	static ExternalRedis fromClusterNodes(String nodes) {
		List<String> list = Arrays.stream(nodes.split(","))
			.map(String::trim)
			.filter(s -> !s.isEmpty())
			.collect(Collectors.toList());
		String host = list.get(0).substring(0, list.get(0).lastIndexOf(':'));
		List<Integer> ports = list.stream()
			.map(n -> Integer.parseInt(n.substring(n.lastIndexOf(':') + 1)))
			.collect(Collectors.toUnmodifiableList());
		return new ExternalRedis("REDIS_CLUSTER_NODES", null, host, ports, null);
	}

	@Override
	public void startFirst() {
		// already running
	}

	@Override
	public void stop() {
		throw unsupported("stop()");
	}

	@Override
	public void restart() {
		throw unsupported("start()");
	}

	private UnsupportedOperationException unsupported(String what) {
		return new UnsupportedOperationException(what + " is not possible: Redis comes from " + source
				+ " and was not started by the test harness. Install redis-server (apt-get install redis-server) so"
				+ " the harness can start and kill its own process.");
	}

	@Override
	public void close() {
		// not ours
	}

	@Override
	public String host() {
		return host;
	}

	@Override
	public List<Integer> ports() {
		return ports;
	}

	@Override
	public String password() {
		return password;
	}

	@Override
	public String url() {
		return url != null ? url : RedisBackend.super.url();
	}

	@Override
	public String describe() {
		return "external Redis from " + source + " at " + host + ":" + ports;
	}

}

package io.tollgate.testsupport.redis;

import io.tollgate.testsupport.internal.FreePorts;
import io.tollgate.testsupport.internal.Waits;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

import java.time.Duration;
import java.util.List;

/**
 * Standalone {@code redis:7} container bound to a fixed host port, so stop/start keeps
 * the address.
 */
final class ContainerRedis implements RedisBackend {

	private final int hostPort = FreePorts.pick();

	private GenericContainer<?> container;

	@Override
	public void startFirst() {
		container = new GenericContainer<>(DockerImageName.parse("redis:7")).withExposedPorts(6379)
			.withCommand("redis-server", "--save", "", "--appendonly", "no", "--protected-mode", "no");
		container.setPortBindings(List.of(hostPort + ":6379"));
		container.start();
	}

	@Override
	public void stop() {
		DockerClientFactory.instance().client().stopContainerCmd(container.getContainerId()).withTimeout(0).exec();
		if (!Waits.until(Duration.ofSeconds(10), () -> Resp.refuses(host(), hostPort))) {
			throw new IllegalStateException("redis container still accepts connections on " + hostPort);
		}
	}

	@Override
	public void restart() {
		DockerClientFactory.instance().client().startContainerCmd(container.getContainerId()).exec();
		if (!Waits.until(Duration.ofSeconds(30), () -> Resp.ping(host(), hostPort, null))) {
			throw new IllegalStateException(
					"redis container did not answer PING on " + hostPort + " after restart\n" + container.getLogs());
		}
	}

	@Override
	public void close() {
		if (container != null) {
			container.stop();
		}
	}

	@Override
	public String host() {
		return container.getHost();
	}

	@Override
	public List<Integer> ports() {
		return List.of(hostPort);
	}

	@Override
	public String describe() {
		return "redis:7 container on " + host() + ":" + hostPort;
	}

}

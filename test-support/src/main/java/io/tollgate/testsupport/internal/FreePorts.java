package io.tollgate.testsupport.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks loopback ports that are free right now. Ports are drawn at random from a range
 * below the Linux ephemeral range (so outgoing connections do not grab them between pick
 * and bind) and never handed out twice by one JVM.
 */
public final class FreePorts {

	private static final int LOW = 20000;

	private static final int HIGH = 30000;

	private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

	private FreePorts() {
	}

	/** A free loopback port. */
	public static int pick() {
		return pick(0);
	}

	/**
	 * A free loopback port {@code p} such that {@code p + companionOffset} is free as
	 * well (Redis Cluster needs its bus port at +10000); {@code companionOffset == 0}
	 * checks only {@code p}.
	 */
	public static int pick(int companionOffset) {
		for (int attempt = 0; attempt < 500; attempt++) {
			int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
			if (HANDED_OUT.contains(port) || !isFree(port)
					|| (companionOffset != 0 && !isFree(port + companionOffset))) {
				continue;
			}
			if (HANDED_OUT.add(port)) {
				return port;
			}
		}
		throw new IllegalStateException("no free loopback port found in " + LOW + ".." + HIGH);
	}

	/** True when a server socket can bind {@code 127.0.0.1:port} right now. */
	public static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(false);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
			return true;
		}
		catch (IOException e) {
			return false;
		}
	}

}

package io.tollgate.policy.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.springframework.lang.Nullable;

import io.tollgate.policy.net.TrustedProxies;

/**
 * Open connections per client address, capped. A client is an IPv4 address or an IPv6 /64
 * (one host usually owns a whole /64). Trusted proxies are not counted: every client
 * behind them shares their address, so the cap belongs at the proxy.
 */
public final class ConnectionLimiter {

	private final int max;

	private final TrustedProxies exempt;

	private final ConcurrentMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

	public ConnectionLimiter(int max, TrustedProxies exempt) {
		this.max = max;
		this.exempt = exempt;
	}

	public int max() {
		return max;
	}

	/**
	 * The key the connection counts against, or null when it is not counted (cap off,
	 * trusted proxy, unknown peer).
	 */
	@Nullable
	InetAddress keyOf(@Nullable InetAddress peer) {
		if (max <= 0 || peer == null || exempt.isTrusted(peer)) {
			return null;
		}
		if (peer instanceof Inet6Address) {
			try {
				byte[] prefix = Arrays.copyOf(peer.getAddress(), 16);
				Arrays.fill(prefix, 8, 16, (byte) 0);
				return InetAddress.getByAddress(prefix);
			}
			catch (UnknownHostException ex) {
				return peer;
			}
		}
		return peer;
	}

	/** Counts one more connection for {@code key} unless the cap is reached. */
	boolean tryAcquire(InetAddress key) {
		boolean[] acquired = new boolean[1];
		open.compute(key, (k, n) -> {
			int count = n == null ? 0 : n;
			if (count >= max) {
				return n;
			}
			acquired[0] = true;
			return count + 1;
		});
		return acquired[0];
	}

	void release(InetAddress key) {
		open.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
	}

	/** Connections counted for the client at {@code address} now. */
	public int openConnections(InetAddress address) {
		InetAddress key = keyOf(address);
		return key == null ? 0 : open.getOrDefault(key, 0);
	}

	/** Clients holding at least one counted connection. */
	public int clients() {
		return open.size();
	}

}

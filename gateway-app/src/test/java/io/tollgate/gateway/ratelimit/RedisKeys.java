package io.tollgate.gateway.ratelimit;

import java.io.IOException;

import io.tollgate.testsupport.redis.RedisExtension;

/** Reads keys on whichever node holds them (standalone or cluster). */
final class RedisKeys {

	private RedisKeys() {
	}

	/** PTTL of {@code key}; -2 when no node has it. */
	static long pttl(RedisExtension redis, String key) throws IOException {
		for (String node : redis.clusterNodes()) {
			int port = Integer.parseInt(node.substring(node.lastIndexOf(':') + 1));
			try {
				long ttl = (Long) redis.command(port, "PTTL", key);
				if (ttl != -2) {
					return ttl;
				}
			}
			catch (IOException ex) {
				// MOVED: another node owns the slot
			}
		}
		return -2;
	}

}

package io.tollgate.gateway.consumer;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tollgate.testsupport.redis.RedisExtension;

/** What a standalone test Redis has been asked and holds. */
final class RedisStats {

	private static final Pattern CALLS = Pattern.compile("cmdstat_([a-z|]+):calls=(\\d+)");

	private RedisStats() {
	}

	/** Commands served so far, but the test's own INFO, SCAN and reads. */
	static long calls(RedisExtension redis) throws IOException {
		String info = (String) redis.command(redis.port(), "INFO", "commandstats");
		long total = 0;
		Matcher m = CALLS.matcher(info);
		while (m.find()) {
			String cmd = m.group(1);
			if (!cmd.equals("info") && !cmd.equals("scan") && !cmd.equals("type") && !cmd.equals("dump")) {
				total += Long.parseLong(m.group(2));
			}
		}
		return total;
	}

	/** Every key with its value, whatever its type, as text. */
	static String dumpEverything(RedisExtension redis) throws IOException {
		StringBuilder sb = new StringBuilder();
		String cursor = "0";
		do {
			List<?> reply = (List<?>) redis.command(redis.port(), "SCAN", cursor, "COUNT", "1000");
			cursor = (String) reply.get(0);
			for (Object k : (List<?>) reply.get(1)) {
				String key = (String) k;
				String type = (String) redis.command(redis.port(), "TYPE", key);
				Object value = switch (type) {
					case "string" -> redis.command(redis.port(), "GET", key);
					case "hash" -> redis.command(redis.port(), "HGETALL", key);
					case "list" -> redis.command(redis.port(), "LRANGE", key, "0", "-1");
					case "set" -> redis.command(redis.port(), "SMEMBERS", key);
					case "zset" -> redis.command(redis.port(), "ZRANGE", key, "0", "-1", "WITHSCORES");
					case "stream" -> redis.command(redis.port(), "XRANGE", key, "-", "+");
					default -> "?" + type;
				};
				sb.append(key).append(" = ").append(value).append('\n');
			}
		}
		while (!cursor.equals("0"));
		return sb.toString();
	}

}

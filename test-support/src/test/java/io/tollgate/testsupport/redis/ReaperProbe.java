package io.tollgate.testsupport.redis;

/**
 * Child JVM for {@link RedisProcessCleanupTest}: starts Redis, prints its port, never
 * closes it.
 */
public final class ReaperProbe {

	public static void main(String[] args) throws Exception {
		RedisExtension redis = RedisExtension.standalone().startNow();
		System.out.println("DIR " + redis.describe().substring(redis.describe().lastIndexOf(" in ") + 4));
		System.out.println("PORT " + redis.port());
		System.out.flush();
		// the parent checks Redis answers, then says "exit" on stdin or sends SIGTERM
		String command = new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
		if ("exit".equals(command)) {
			System.exit(0);
		}
		Thread.sleep(60_000);
	}

}

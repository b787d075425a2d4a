package io.tollgate.testsupport.redis;

/**
 * Child JVM for {@link RedisSourceFallbackTest}: reports what RedisExtension does with
 * the environment it got.
 */
public final class SourceProbe {

	public static void main(String[] args) {
		RedisExtension redis = RedisExtension.standalone();
		try {
			redis.startNow();
			System.out.println("URL " + redis.url());
			System.out.println("DESCRIBE " + redis.describe());
			redis.flushAll();
			System.out.println("FLUSHED");
			try {
				redis.stop();
				System.out.println("STOPPED");
			}
			catch (UnsupportedOperationException e) {
				System.out.println("STOP UNSUPPORTED " + e.getMessage());
			}
		}
		catch (AssertionError e) {
			System.out.println("FAILED " + e.getClass().getName() + " " + e.getMessage());
		}
		System.out.flush();
		System.exit(0);
	}

}

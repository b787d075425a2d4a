package io.tollgate.policy.redis;

import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a store outage once when it starts and once when it ends, however many requests or
 * probes run into it in between.
 */
public final class OutageLog {

	private static final Logger log = LoggerFactory.getLogger(OutageLog.class);

	private final String what;

	private final AtomicBoolean down = new AtomicBoolean();

	public OutageLog(String what) {
		this.what = what;
	}

	/** Records a failure; logs a warning only on the first failure of an outage. */
	public void failed(Throwable cause, String consequence) {
		if (down.compareAndSet(false, true)) {
			log.warn("{} unreachable ({}): {}", what, describe(cause), consequence);
		}
	}

	/** Records a success; logs the recovery once. */
	public void succeeded() {
		if (down.get() && down.compareAndSet(true, false)) {
			log.info("{} reachable again", what);
		}
	}

	public boolean isDown() {
		return down.get();
	}

	public static String describe(Throwable t) {
		Throwable root = t;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String msg = root.getMessage();
		return root.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
	}

}

package io.tollgate.testsupport.internal;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling helper for the harness' own start/stop waits. */
public final class Waits {

	private Waits() {
	}

	/** Polls {@code condition} every 25 ms; true when it held before {@code timeout}. */
	public static boolean until(Duration timeout, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			if (condition.getAsBoolean()) {
				return true;
			}
			if (System.nanoTime() > deadline) {
				return false;
			}
			sleep(Duration.ofMillis(25));
		}
	}

	/** Sleeps, restoring the interrupt flag instead of throwing. */
	public static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

}

package io.tollgate.policy.circuitbreaker;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.tollgate.policy.redis.LuaScript;
import io.tollgate.policy.redis.RedisKit;
import io.tollgate.testsupport.redis.RedisExtension;

/**
 * The breaker Lua scripts on a real Redis, on its clock (see the standalone and cluster
 * subclasses).
 */
abstract class RedisBreakerStoreTest extends BreakerStoreContract {

	RedisKit kit;

	RedisBreakerStore store;

	abstract RedisExtension redis();

	static RedisBreakerStore.Scripts scripts() {
		return new RedisBreakerStore.Scripts(LuaScript.load("breaker-record"), LuaScript.load("breaker-acquire"),
				LuaScript.load("breaker-trial"), LuaScript.load("breaker-state"), LuaScript.load("breaker-force"));
	}

	static List<LuaScript> scriptList() {
		RedisBreakerStore.Scripts s = scripts();
		return List.of(s.record(), s.acquire(), s.trial(), s.state(), s.force());
	}

	@BeforeEach
	void connect() {
		redis().flushAll();
		this.kit = RedisKit.on(redis()).start(scriptList(), List.of());
		this.store = new RedisBreakerStore(this.kit.calls("circuitbreaker"), this.kit.channels, "tollgate:cb:events",
				scripts());
	}

	@AfterEach
	void close() {
		this.kit.close();
	}

	@Override
	BreakerStore store() {
		return this.store;
	}

	@Override
	void advance(Duration by) throws InterruptedException {
		Thread.sleep(by.toMillis());
	}

	@Override
	void awaitDelivery(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("not delivered within 5s");
			}
			Thread.sleep(10);
		}
	}

}

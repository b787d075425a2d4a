package io.tollgate.gateway.consumer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.lang.Nullable;

import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ManagementView;

/**
 * Plans from this replica's applied view: the consumer's plan id, then that plan. A
 * consumer naming a plan that does not exist has no plan (it gets one as soon as a plan
 * with that id is created).
 *
 * <p>
 * {@link ResolvedPlan#revision()} is a version of the plan's limits: a 63-bit digest that
 * changes whenever they change and only then (a new description does not rebuild a
 * limiter). It is taken from the plan itself rather than from the change listener, so a
 * request that sees new limits never sees an old version with them.
 */
public final class ViewPlanResolver implements PlanResolver {

	private final ManagementAccess access;

	private final Map<String, ResolvedPlan> resolved = new ConcurrentHashMap<>();

	public ViewPlanResolver(ManagementAccess access) {
		this.access = access;
	}

	@Override
	@Nullable
	public ResolvedPlan planOf(String consumerId) {
		ManagementView view = this.access.view();
		if (view == null) {
			return null;
		}
		Consumer consumer = view.get(Kind.CONSUMERS, consumerId, Consumer.class);
		if (consumer == null || consumer.plan() == null) {
			return null;
		}
		Plan plan = view.get(Kind.PLANS, consumer.plan(), Plan.class);
		if (plan == null) {
			this.resolved.remove(consumer.plan());
			return null;
		}
		ResolvedPlan cached = this.resolved.get(consumer.plan());
		if (cached != null && cached.limits().equals(plan.limits())) {
			return cached;
		}
		ResolvedPlan fresh = new ResolvedPlan(consumer.plan(), version(plan), plan.limits());
		this.resolved.put(consumer.plan(), fresh);
		return fresh;
	}

	static long version(Plan plan) {
		try {
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			for (String limit : plan.limits()) {
				sha.update(limit.getBytes(StandardCharsets.UTF_8));
				sha.update((byte) '\n');
			}
			return ByteBuffer.wrap(sha.digest()).getLong() & Long.MAX_VALUE;
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 unavailable", ex);
		}
	}

}

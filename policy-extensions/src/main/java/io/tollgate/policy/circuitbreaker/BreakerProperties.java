package io.tollgate.policy.circuitbreaker;

import java.time.Duration;
import java.util.List;

import org.springframework.lang.Nullable;

/**
 * Settings of one shared circuit breaker, as given under
 * {@code tollgate.circuit-breakers.<name>} or as route filter arguments. Unset values
 * fall back to the named definition, then to the defaults.
 */
public class BreakerProperties {

	/**
	 * Failure rate, in percent, of the cluster-wide window at which the breaker opens.
	 * Default 50.
	 */
	@Nullable
	private Float failureRateThreshold;

	/** Slow-call rate, in percent, at which the breaker opens. Default 100. */
	@Nullable
	private Float slowCallRateThreshold;

	/** Calls that take longer than this count as slow. Default 60s. */
	@Nullable
	private Duration slowCallDuration;

	/**
	 * Length of the time-based window of outcomes, in whole seconds, shared by all
	 * replicas. Default 10s.
	 */
	@Nullable
	private Duration slidingWindow;

	/**
	 * Calls (cluster-wide; per replica for the local breaker) before the rates count.
	 * Default 20.
	 */
	@Nullable
	private Integer minimumCalls;

	/** Time the breaker stays open before trial calls are allowed. Default 30s. */
	@Nullable
	private Duration waitInOpen;

	/** Trial calls allowed in half-open across the whole cluster. Default 3. */
	@Nullable
	private Integer halfOpenCalls;

	/** Upstream response statuses counted as failures. Default 500, 502, 503, 504. */
	@Nullable
	private List<Integer> failureStatuses;

	/** Upstream response timeout; a timeout counts as a failure. Default none. */
	@Nullable
	private Duration timeout;

	/**
	 * Where to forward when the breaker rejects or the upstream fails
	 * ({@code forward:/path}). Default none: 503.
	 */
	@Nullable
	private String fallbackUri;

	@Nullable
	public Float getFailureRateThreshold() {
		return failureRateThreshold;
	}

	public void setFailureRateThreshold(@Nullable Float failureRateThreshold) {
		this.failureRateThreshold = failureRateThreshold;
	}

	@Nullable
	public Float getSlowCallRateThreshold() {
		return slowCallRateThreshold;
	}

	public void setSlowCallRateThreshold(@Nullable Float slowCallRateThreshold) {
		this.slowCallRateThreshold = slowCallRateThreshold;
	}

	@Nullable
	public Duration getSlowCallDuration() {
		return slowCallDuration;
	}

	public void setSlowCallDuration(@Nullable Duration slowCallDuration) {
		this.slowCallDuration = slowCallDuration;
	}

	@Nullable
	public Duration getSlidingWindow() {
		return slidingWindow;
	}

	public void setSlidingWindow(@Nullable Duration slidingWindow) {
		this.slidingWindow = slidingWindow;
	}

	@Nullable
	public Integer getMinimumCalls() {
		return minimumCalls;
	}

	public void setMinimumCalls(@Nullable Integer minimumCalls) {
		this.minimumCalls = minimumCalls;
	}

	@Nullable
	public Duration getWaitInOpen() {
		return waitInOpen;
	}

	public void setWaitInOpen(@Nullable Duration waitInOpen) {
		this.waitInOpen = waitInOpen;
	}

	@Nullable
	public Integer getHalfOpenCalls() {
		return halfOpenCalls;
	}

	public void setHalfOpenCalls(@Nullable Integer halfOpenCalls) {
		this.halfOpenCalls = halfOpenCalls;
	}

	@Nullable
	public List<Integer> getFailureStatuses() {
		return failureStatuses;
	}

	public void setFailureStatuses(@Nullable List<Integer> failureStatuses) {
		this.failureStatuses = failureStatuses;
	}

	@Nullable
	public Duration getTimeout() {
		return timeout;
	}

	public void setTimeout(@Nullable Duration timeout) {
		this.timeout = timeout;
	}

	@Nullable
	public String getFallbackUri() {
		return fallbackUri;
	}

	public void setFallbackUri(@Nullable String fallbackUri) {
		this.fallbackUri = fallbackUri;
	}

}

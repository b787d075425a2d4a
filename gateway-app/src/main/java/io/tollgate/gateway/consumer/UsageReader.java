package io.tollgate.gateway.consumer;

import reactor.core.publisher.Mono;

/**
 * Reads a consumer's usage from the rate limiter's keys (for {@code GET
 * /admin/v1/consumers/{id}/usage}).
 */
@FunctionalInterface
public interface UsageReader {

	Mono<ConsumerUsage> usage(String consumerId);

}

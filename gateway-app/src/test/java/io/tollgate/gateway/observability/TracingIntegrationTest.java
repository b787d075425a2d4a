package io.tollgate.gateway.observability;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import io.tollgate.gateway.observability.OtlpReceiver.RecordedSpan;
import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.Route;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tracing through the real gateway, exported over OTLP/HTTP to a local receiver: spans
 * carry the route, the status, the rate-limit outcome and the breaker state; W3C
 * traceparent reaches the upstream; a client's traceparent is honoured or replaced as
 * configured; the trace id is in problem bodies and in log lines. Off by default.
 */
@ExtendWith(OutputCaptureExtension.class)
class TracingIntegrationTest {

	private static final Duration EXPORT = Duration.ofSeconds(15);

	private static final Pattern TRACE_ID = Pattern.compile("\"traceId\":\"([0-9a-f]{32})\"");

	private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

	private static final String CLIENT_TRACEPARENT = "00-" + CLIENT_TRACE + "-00f067aa0ba902b7-01";

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	private static OtlpReceiver receiver;

	@BeforeAll
	static void startReceiver() throws Exception {
		receiver = new OtlpReceiver();
	}

	@AfterAll
	static void stopReceiver() {
		receiver.close();
	}

	@Test
	void whenTracingIsOn_thenSpansCarryRouteStatusRateLimitOutcomeAndBreakerState(CapturedOutput output)
			throws Exception {
		try (GatewayInstance gateway = traced(GatewayInstance.builder()).start()) {
			// a client's trace is continued
			gateway.client()
				.get()
				.uri("/limited/1")
				.header("traceparent", CLIENT_TRACEPARENT)
				.exchange()
				.expectStatus()
				.isOk();
			String forwarded = upstream.lastRequest().header("traceparent");
			assertThat(forwarded).as("W3C traceparent to the upstream").startsWith("00-" + CLIENT_TRACE + "-");
			assertThat(forwarded).as("the gateway's own span is the upstream's parent")
				.doesNotContain("00f067aa0ba902b7");

			RecordedSpan allowed = receiver.await(s -> s.kind() == RecordedSpan.SERVER
					&& CLIENT_TRACE.equals(s.traceId()) && "limited".equals(s.attributes().get("tollgate.route.id")),
					EXPORT);
			assertThat(allowed.parentSpanId()).isEqualTo("00f067aa0ba902b7");
			assertThat(allowed.attributes()).containsEntry("tollgate.ratelimit.outcome", "allowed")
				.containsEntry("status", "200");
			RecordedSpan upstreamCall = receiver
				.await(s -> s.kind() == RecordedSpan.CLIENT && CLIENT_TRACE.equals(s.traceId()), EXPORT);
			assertThat(forwarded).contains(upstreamCall.spanId());

			// the second call is limited: its problem body names the trace
			EntityExchangeResult<byte[]> limited = gateway.client()
				.get()
				.uri("/limited/2")
				.exchange()
				.expectStatus()
				.isEqualTo(429)
				.expectBody()
				.returnResult();
			String traceId = traceId(limited);
			RecordedSpan refused = receiver.await(s -> s.kind() == RecordedSpan.SERVER && traceId.equals(s.traceId()),
					EXPORT);
			assertThat(refused.attributes()).containsEntry("tollgate.route.id", "limited")
				.containsEntry("tollgate.ratelimit.outcome", "limited")
				.containsEntry("status", "429");

			gateway.client().get().uri("/guarded/1").exchange().expectStatus().isOk();
			String guardedTrace = upstream.lastRequest().header("traceparent").split("-")[1];
			RecordedSpan guarded = receiver.await(s -> s.kind() == RecordedSpan.SERVER
					&& guardedTrace.equals(s.traceId()) && s.attributes().containsKey("tollgate.circuitbreaker.state"),
					EXPORT);
			assertThat(guarded.attributes()).containsEntry("tollgate.route.id", "guarded")
				.containsEntry("tollgate.circuitbreaker.name", "traced")
				.containsEntry("tollgate.circuitbreaker.state", "CLOSED")
				.containsEntry("tollgate.circuitbreaker.permitted", "true")
				.containsEntry("status", "200");

			// a gateway-side failure: its problem body and its log line carry the trace
			// id
			EntityExchangeResult<byte[]> unreachable = gateway.client()
				.get()
				.uri("/down/1")
				.exchange()
				.expectStatus()
				.is5xxServerError()
				.expectBody()
				.returnResult();
			String downTrace = traceId(unreachable);
			assertThat(output.getAll().lines().filter(line -> line.contains("on route down failed")))
				.as("the log line of the failure")
				.anySatisfy(line -> assertThat(line).contains(downTrace));
			RecordedSpan failed = receiver.await(s -> s.kind() == RecordedSpan.SERVER && downTrace.equals(s.traceId()),
					EXPORT);
			assertThat(failed.attributes()).containsEntry("tollgate.route.id", "down").containsKey("status");
			assertThat(failed.attributes().get("status")).startsWith("5");
		}
	}

	@Test
	void whenIncomingContextIsReplace_thenAClientsTraceparentStartsNoTraceOfIts(CapturedOutput output)
			throws Exception {
		try (GatewayInstance gateway = traced(GatewayInstance.builder())
			.property("tollgate.tracing.incoming-context", "replace")
			.start()) {
			gateway.client()
				.get()
				.uri("/guarded/replace")
				.header("traceparent", CLIENT_TRACEPARENT)
				.exchange()
				.expectStatus()
				.isOk();
			String forwarded = upstream.lastRequest().header("traceparent");
			assertThat(forwarded).as("a traceparent of the gateway's own trace")
				.startsWith("00-")
				.doesNotContain(CLIENT_TRACE);
			String trace = forwarded.split("-")[1];
			RecordedSpan server = receiver.await(s -> s.kind() == RecordedSpan.SERVER && trace.equals(s.traceId()),
					EXPORT);
			assertThat(server.parentSpanId()).as("a root span").isEmpty();
		}
	}

	@Test
	void whenTracingIsOn_thenNothingButTracesIsPushed(CapturedOutput output) throws Exception {
		try (GatewayInstance gateway = traced(GatewayInstance.builder()).start()) {
			gateway.client().get().uri("/guarded/quiet").exchange().expectStatus().isOk();
			receiver.await(s -> "guarded".equals(s.attributes().get("tollgate.route.id")), EXPORT);
		}
		assertThat(output.getAll()).as("no metrics or logs exporter trying a default endpoint")
			.doesNotContain("OtlpMeterRegistry")
			.doesNotContain("Failed to export");
	}

	@Test
	void whenTracingIsOff_thenNothingIsObservedExportedOrAddedPerRequest() throws Exception {
		int spansBefore = receiver.spans().size();
		try (GatewayInstance gateway = routes(GatewayInstance.builder().redis(redis))
			.property("management.opentelemetry.tracing.export.otlp.endpoint", receiver.endpoint())
			.property("management.opentelemetry.tracing.export.schedule-delay", "100ms")
			.start()) {
			gateway.client()
				.get()
				.uri("/guarded/off")
				.header("traceparent", CLIENT_TRACEPARENT)
				.exchange()
				.expectStatus()
				.isOk();
			assertThat(upstream.lastRequest().header("traceparent")).as("passed through untouched")
				.isEqualTo(CLIENT_TRACEPARENT);
			EntityExchangeResult<byte[]> problem = gateway.client()
				.get()
				.uri("/down/off")
				.exchange()
				.expectStatus()
				.is5xxServerError()
				.expectBody()
				.returnResult();
			assertThat(new String(problem.getResponseBodyContent(), StandardCharsets.UTF_8)).doesNotContain("traceId");
			assertThat(gateway.context().getBeanNamesForType(TraceIdWebFilter.class)).isEmpty();
			assertThat(gateway.context().getBeanNamesForType(PolicyOutcomeObservationFilter.class)).isEmpty();
			gateway.management()
				.get()
				.uri("/actuator/prometheus")
				.exchange()
				.expectBody(String.class)
				.value(body -> assertThat(body).as("no per-request server observation")
					.doesNotContain("http_server_requests"));
			Thread.sleep(500);
		}
		assertThat(receiver.spans()).as("nothing exported").hasSize(spansBefore);
	}

	private static GatewayInstance.Builder traced(GatewayInstance.Builder builder) {
		return routes(builder.redis(redis)).property("tollgate.tracing.enabled", "true")
			.property("management.tracing.sampling.probability", "1.0")
			.property("management.opentelemetry.tracing.export.otlp.endpoint", receiver.endpoint())
			.property("management.opentelemetry.tracing.export.schedule-delay", "100ms");
	}

	private static GatewayInstance.Builder routes(GatewayInstance.Builder builder) {
		return builder
			.route(Route.id("limited")
				.uri(upstream.url())
				.path("/limited/**")
				.publicRoute()
				.filter("ClusterRateLimit=1/1m, route"))
			.route(Route.id("guarded")
				.uri(upstream.url())
				.path("/guarded/**")
				.publicRoute()
				.filter("SharedCircuitBreaker=traced"))
			.route(Route.id("down").uri("http://127.0.0.1:9").path("/down/**").publicRoute());
	}

	private static String traceId(EntityExchangeResult<byte[]> result) {
		String body = new String(result.getResponseBodyContent(), StandardCharsets.UTF_8);
		Matcher m = TRACE_ID.matcher(body);
		assertThat(m.find()).as("traceId in " + body).isTrue();
		return m.group(1);
	}

}

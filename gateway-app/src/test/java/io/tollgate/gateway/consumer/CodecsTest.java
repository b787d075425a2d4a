package io.tollgate.gateway.consumer;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.tollgate.gateway.registry.FieldError;
import io.tollgate.gateway.registry.ResourceCodec;

import static org.assertj.core.api.Assertions.assertThat;

class CodecsTest {

	final PlanCodec plans = new PlanCodec();

	final ConsumerCodec consumers = new ConsumerCodec();

	final ApiKeyRecordCodec keys = new ApiKeyRecordCodec();

	static <T> List<FieldError> errors(ResourceCodec<T> codec, String id, String json) {
		ResourceCodec.Parsed<T> parsed = codec.parse(id, json);
		assertThat(parsed.isValid()).as("%s should be refused", json).isFalse();
		return parsed.errors();
	}

	static <T> T valid(ResourceCodec<T> codec, String id, String json) {
		ResourceCodec.Parsed<T> parsed = codec.parse(id, json);
		assertThat(parsed.errors()).isEmpty();
		return parsed.value();
	}

	@Test
	void plan_whenValid_thenCanonicalIsStable() {
		Plan plan = valid(this.plans, "gold",
				"{\"limits\": [\" 10/1s \", \"10000/1mo\"], \"description\": \"Gold tier\"}");
		assertThat(plan.limits()).containsExactly("10/1s", "10000/1mo");
		String canonical = this.plans.canonical(plan);
		assertThat(canonical).isEqualTo("{\"description\":\"Gold tier\",\"limits\":[\"10/1s\",\"10000/1mo\"]}");
		assertThat(this.plans.canonical(valid(this.plans, "gold", canonical))).isEqualTo(canonical);
		assertThat(valid(this.plans, "free", "{\"limits\":[\"5/1m\"]}").description()).isNull();
	}

	@Test
	void plan_whenLimitsBad_thenEachNamed() {
		assertThat(errors(this.plans, "gold", "{\"limits\":[\"10/1s\",\"ten/1s\",\"5/1x\",\"10/1s\",\"1/7mo\"]}"))
			.extracting(FieldError::field)
			.containsExactly("limits[1]", "limits[2]", "limits[3]", "limits[4]");
	}

	@Test
	void plan_whenLimitsMissingOrEmpty_thenRefused() {
		assertThat(errors(this.plans, "gold", "{}")).extracting(FieldError::field).containsExactly("limits");
		assertThat(errors(this.plans, "gold", "{\"limits\":[]}")).extracting(FieldError::field)
			.containsExactly("limits");
		assertThat(errors(this.plans, "gold", "{\"limits\":\"10/1s\"}")).extracting(FieldError::field)
			.containsExactly("limits");
		assertThat(errors(this.plans, "gold", "{\"limits\":[\"0/1s\"]}")).extracting(FieldError::field)
			.containsExactly("limits[0]");
	}

	@Test
	void whenUnknownField_thenRefusedNamingIt() {
		assertThat(errors(this.plans, "gold", "{\"limits\":[\"1/1s\"],\"burst\":5}"))
			.containsExactly(new FieldError("burst", "unknown field"));
		assertThat(errors(this.consumers, "acme", "{\"name\":\"Acme\",\"apiKey\":\"x\"}")).extracting(FieldError::field)
			.containsExactly("apiKey");
	}

	@Test
	void whenExpressionMarkers_thenRefusedEverywhere() {
		assertThat(errors(this.plans, "gold", "{\"description\":\"#{T(java.lang.Runtime)}\",\"limits\":[\"1/1s\"]}"))
			.extracting(FieldError::field)
			.containsExactly("description");
		assertThat(errors(this.consumers, "acme", "{\"name\":\"${user.home}\"}")).extracting(FieldError::field)
			.containsExactly("name");
		assertThat(errors(this.consumers, "acme", "{\"clientIds\":[\"ok\",\"a${x}\"]}")).extracting(FieldError::field)
			.containsExactly("clientIds[1]");
		assertThat(errors(this.plans, "gold", "{\"limits\":[\"${n}/1s\"]}")).extracting(FieldError::field)
			.contains("limits[0]");
	}

	@Test
	void whenNotStrictJson_thenRefused() {
		assertThat(errors(this.consumers, "acme", "{\"name\":\"a\",\"name\":\"b\"}")).hasSize(1);
		assertThat(errors(this.consumers, "acme", "{\"name\":\"a\"} {}")).hasSize(1);
		assertThat(errors(this.consumers, "acme", "[1]")).hasSize(1);
		assertThat(errors(this.consumers, "acme", "")).hasSize(1);
		assertThat(errors(this.consumers, "acme", "{\"name\":5}"))
			.containsExactly(new FieldError("name", "must be a string"));
		assertThat(errors(this.consumers, "acme", "{\"name\":\"a\\u0000b\"}")).extracting(FieldError::field)
			.containsExactly("name");
		String deep = "{\"name\":" + "[".repeat(50) + "]".repeat(50) + "}";
		assertThat(errors(this.consumers, "acme", deep)).hasSize(1);
	}

	@Test
	void whenIdInvalid_thenRefused() {
		for (String id : List.of("", "Acme", "-acme", "a_b", "a".repeat(64), "a/b")) {
			assertThat(errors(this.consumers, id, "{}")).extracting(FieldError::field).containsExactly("id");
		}
		valid(this.consumers, "a".repeat(63), "{}");
		valid(this.consumers, "0-a", "{}");
	}

	@Test
	void consumer_uniquesAreItsClientIds_andCanonicalIsStable() {
		Consumer c = valid(this.consumers, "acme",
				"{\"clientIds\":[\"partner-app\",\"https://idp/clients/7\"],\"plan\":\"gold\",\"name\":\"Acme\"}");
		assertThat(this.consumers.uniques(c)).containsExactlyInAnyOrder("clientId:partner-app",
				"clientId:https://idp/clients/7");
		String canonical = this.consumers.canonical(c);
		assertThat(canonical).isEqualTo(
				"{\"name\":\"Acme\",\"plan\":\"gold\",\"clientIds\":[\"partner-app\",\"https://idp/clients/7\"]}");
		assertThat(this.consumers.canonical(valid(this.consumers, "acme", canonical))).isEqualTo(canonical);
		assertThat(this.consumers.canonical(valid(this.consumers, "solo", "{}"))).isEqualTo("{\"clientIds\":[]}");
	}

	@Test
	void consumer_whenPlanOrClientIdsBad_thenNamed() {
		assertThat(errors(this.consumers, "acme", "{\"plan\":\"Gold!\"}")).extracting(FieldError::field)
			.containsExactly("plan");
		assertThat(errors(this.consumers, "acme", "{\"clientIds\":[\"a\",\"a\"]}")).extracting(FieldError::field)
			.containsExactly("clientIds[1]");
		assertThat(errors(this.consumers, "acme", "{\"clientIds\":[\" a\"]}")).extracting(FieldError::field)
			.containsExactly("clientIds[0]");
		assertThat(errors(this.consumers, "acme", "{\"clientIds\":[\"\"]}")).extracting(FieldError::field)
			.containsExactly("clientIds[0]");
		assertThat(errors(this.consumers, "acme", "{\"clientIds\":[1]}")).extracting(FieldError::field)
			.containsExactly("clientIds[0]");
	}

	@Test
	void key_uniqueIsItsHash_andRedactedHasNoHash() {
		String hash = "ab".repeat(32);
		ApiKeyRecord key = new ApiKeyRecord("k1", "acme", "tg_AbC1234", hash, "ci",
				Instant.parse("2026-01-01T00:00:00.123Z"), Instant.parse("2026-02-01T00:00:00Z"));
		String canonical = this.keys.canonical(key);
		assertThat(canonical).isEqualTo("{\"consumer\":\"acme\",\"prefix\":\"tg_AbC1234\",\"keyHash\":\"" + hash
				+ "\",\"name\":\"ci\",\"createdAt\":\"2026-01-01T00:00:00.123Z\",\"expiresAt\":\"2026-02-01T00:00:00Z\"}");
		assertThat(valid(this.keys, "k1", canonical)).isEqualTo(key);
		assertThat(this.keys.uniques(key)).isEqualTo(Set.of("keyHash:" + hash));
		assertThat(this.keys.redacted(key)).doesNotContain(hash).doesNotContain("keyHash").contains("tg_AbC1234");
	}

	@Test
	void key_whenTampered_thenRefused() {
		String hash = "ab".repeat(32);
		String ok = "{\"consumer\":\"acme\",\"prefix\":\"tg_AbC1234\",\"keyHash\":\"" + hash
				+ "\",\"createdAt\":\"2026-01-01T00:00:00Z\"}";
		valid(this.keys, "k1", ok);
		assertThat(errors(this.keys, "k1", ok.replace(hash, "AB".repeat(32)))).extracting(FieldError::field)
			.containsExactly("keyHash");
		assertThat(errors(this.keys, "k1", ok.replace("tg_AbC1234", "tg_AbC12345"))).extracting(FieldError::field)
			.containsExactly("prefix");
		assertThat(errors(this.keys, "k1", ok.replace("2026-01-01T00:00:00Z", "yesterday")))
			.extracting(FieldError::field)
			.containsExactly("createdAt");
		assertThat(errors(this.keys, "k1", ok.replace("}", ",\"key\":\"tg_x\"}"))).extracting(FieldError::field)
			.containsExactly("key");
		assertThat(errors(this.keys, "k1", "{\"prefix\":\"tg_AbC1234\"}")).extracting(FieldError::field)
			.containsExactlyInAnyOrder("consumer", "keyHash", "createdAt");
	}

}
